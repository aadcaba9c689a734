package dev.descent.train;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of one of {@link TrainConfig}'s groups as a setting: the command line gets an option for it, named
 * changes reach it by name, and a checkpoint records it when it is part of the run's identity.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Setting {
    /** The option's help line. */
    String help();

    /** The option's name without dashes; empty for the field's name in kebab case ({@code microBatch}: micro-batch). */
    String flag() default "";

    /** A checkpoint saved with another value cannot be resumed (the model's shape, the batch arithmetic, the seed). */
    boolean identity() default false;
}
