package dev.descent.train;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@link Setting}s of {@link TrainConfig}'s groups, found by reflection, so the command line, named changes
 * and a checkpoint's identity all follow the groups' fields: a new hyperparameter is one annotated field.
 */
public final class Settings {
    /**
     * One setting.
     *
     * @param name  the field's name: what {@link TrainConfig#with(String, Object)} and a checkpoint's identity use
     * @param flag  the command-line option without dashes
     * @param type  the field's type
     * @param group the component of TrainConfig that holds the field's group
     */
    public record Spec(String name, String flag, String help, Class<?> type, boolean identity, RecordComponent group) {
    }

    private static final List<Spec> ALL = scan();

    private Settings() {
    }

    /** Every setting, groups in order and fields in order. */
    public static List<Spec> all() {
        return ALL;
    }

    /** The setting called {@code name}, or an error listing them all. */
    static Spec named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown setting '" + name + "'; settings: "
                        + ALL.stream().map(Spec::name).collect(Collectors.joining(", "))));
    }

    /** The value of {@code component} in {@code record}. */
    static Object value(Record record, String component) {
        try {
            return record.getClass().getMethod(component).invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code record} with {@code component} set to {@code value}, through its canonical constructor. */
    @SuppressWarnings("unchecked")
    static <R extends Record> R with(R record, String component, Object value) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            args[i] = name.equals(component) ? value : value(record, name);
        }
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return (R) record.getClass().getConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code value} as the setting's type: numbers convert when no digit is lost (a float setting takes a double). */
    static Object coerce(Spec s, Object value) {
        Class<?> type = boxed(s.type());
        if (type.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n) {
            Number converted = type == Integer.class ? (Number) n.intValue() : type == Long.class ? (Number) n.longValue()
                    : type == Double.class ? (Number) n.doubleValue() : type == Float.class ? (Number) n.floatValue() : null;
            if (converted != null && (type == Float.class || converted.doubleValue() == n.doubleValue())) {
                return converted;
            }
        }
        throw new IllegalArgumentException("setting '" + s.name() + "' takes " + s.type().getSimpleName() + ", got "
                + value + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")"));
    }

    /** {@code text} (as {@code String.valueOf} writes the setting) parsed as the setting's type. */
    static Object parse(Spec s, String text) {
        Class<?> type = boxed(s.type());
        try {
            return type == Integer.class ? Integer.valueOf(text) : type == Long.class ? Long.valueOf(text)
                    : type == Double.class ? Double.valueOf(text) : type == Float.class ? Float.valueOf(text)
                    : type == Path.class ? Path.of(text) : type == String.class ? text : coerce(s, text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + s.name() + "' takes " + s.type().getSimpleName()
                    + ", got '" + text + "'");
        }
    }

    /** The wrapper class of a primitive type, or the type itself. */
    public static Class<?> boxed(Class<?> type) {
        return type == int.class ? Integer.class : type == long.class ? Long.class : type == float.class ? Float.class
                : type == double.class ? Double.class : type == boolean.class ? Boolean.class : type;
    }

    private static List<Spec> scan() {
        List<Spec> all = new ArrayList<>();
        for (RecordComponent group : TrainConfig.class.getRecordComponents()) {
            if (!group.getType().isRecord()) {
                continue;
            }
            for (RecordComponent field : group.getType().getRecordComponents()) {
                Setting s = field.getAnnotation(Setting.class);
                if (s == null) {
                    throw new IllegalStateException(group.getType().getSimpleName() + "." + field.getName()
                            + " has no @Setting");
                }
                String flag = s.flag().isEmpty() ? kebab(field.getName()) : s.flag();
                if (all.stream().anyMatch(o -> o.name().equals(field.getName()) || o.flag().equals(flag))) {
                    throw new IllegalStateException("two settings are called " + field.getName() + " or --" + flag);
                }
                all.add(new Spec(field.getName(), flag, s.help(), field.getType(), s.identity(), group));
            }
        }
        return List.copyOf(all);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
