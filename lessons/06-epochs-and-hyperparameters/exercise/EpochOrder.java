package dev.descent.lessons.epochs;

import dev.descent.core.Rng;
import dev.descent.lessons.Exercise;

/**
 * Exercise 06: the order in which one epoch visits the training examples. Every example exactly once, in a
 * random order that a seeded generator makes repeatable: the Fisher–Yates shuffle.
 */
final class EpochOrder {
    private EpochOrder() {
    }

    /**
     * A random permutation of 0..n−1: start from 0, 1, …, n−1; for i from n−1 down to 1, swap entry i with entry j,
     * j drawn uniformly from 0..i ({@code rng.nextInt(i + 1)}).
     */
    static int[] shuffle(Rng rng, int n) {
        throw Exercise.todo("06", "the Fisher-Yates shuffle, EpochOrder.shuffle");
    }
}
