package dev.descent.core;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The seeds every property test runs over. A parameterized test takes one as {@code long seed}, builds
 * {@code new Rng(seed)} and draws its shapes and values from it, so a failure names the seed that reproduces it.
 */
final class Seeds {
    /** How many seeds each property is checked on. */
    static final int COUNT = 50;

    private Seeds() {
    }

    /** Seeds 1..50, for {@code @MethodSource("dev.descent.core.Seeds#fifty")}. */
    static LongStream fifty() {
        return LongStream.rangeClosed(1, COUNT);
    }

    /** Every case paired with every seed: the arguments {@code (case, seed)} of a test over an op catalog. */
    static Stream<Arguments> each(List<?> cases) {
        return cases.stream().flatMap(c -> fifty().mapToObj(seed -> Arguments.of(c, seed)));
    }
}
