package dev.descent.lessons.roofline;

import dev.descent.lessons.Exercise;

/**
 * Exercise 29: the roofline model. An operation with F FLOPs that must move Q bytes cannot finish faster than its
 * arithmetic at the card's peak, F/peak, nor faster than its traffic at the memory bandwidth, Q/bandwidth. Which
 * bound bites depends on its arithmetic intensity F/Q against the ridge point peak/bandwidth.
 */
final class Roofline {
    private Roofline() {
    }

    /** The least time the operation can take, in seconds. */
    static double seconds(double flops, double bytes, double peak, double bandwidth) {
        throw Exercise.todo("29", "the roofline bound, Roofline.seconds");
    }

    /** Whether memory, not arithmetic, limits it: its intensity below the ridge point. */
    static boolean memoryBound(double flops, double bytes, double peak, double bandwidth) {
        throw Exercise.todo("29", "which bound bites, Roofline.memoryBound");
    }
}
