package dev.descent.lessons.metriclearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class MetricLearningTest {
    @Tag("exercise")
    @Test
    void tripletLossByHand() {
        // Triplet 1: d(a, p) = 5 (a 3-4-5 triangle), d(a, n) = 1, so max(5 − 1 + 1, 0) = 5.
        // Triplet 2: d(a, p) = 1, d(a, n) = 4, so max(1 − 4 + 1, 0) = 0. The mean is 2.5.
        Tensor a = Tensor.fromArray(new float[] {0, 0, 0, 0}, 2, 2);
        Tensor p = Tensor.fromArray(new float[] {3, 4, 1, 0}, 2, 2);
        Tensor n = Tensor.fromArray(new float[] {0, 1, 0, 4}, 2, 2);
        assertThat(TripletLoss.of(a, p, n, 1f).item()).isCloseTo(2.5f, within(1e-6f));
    }

    @Tag("exercise")
    @Test
    void tripletLossFromPrimitivesAgreesWithNn() {
        double[] diff = Main.compareWithNn();
        assertThat(diff[0]).isLessThan(1e-5);
        assertThat(diff[1]).isLessThan(1e-5);
    }

    @Tag("exercise")
    @Test
    void tripletTrainingMakesSameClassPointsNeighbours() {
        Clusters train = Main.train();
        Clusters test = Main.test();
        Module untrained = Main.embedding(25);
        Main.Training trained = Main.fit(25);
        double[] before = Main.quality(Main.embed(untrained, train.points()), Main.embed(untrained, test.points()));
        double[] after = Main.quality(Main.embed(trained.f(), train.points()), Main.embed(trained.f(), test.points()));
        // From about chance (0.25 accuracy, half the triplets in order) to nearly perfect.
        assertThat(before[0]).isLessThan(0.4);
        assertThat(before[1]).isLessThan(0.6);
        assertThat(after[0]).isGreaterThan(0.9);
        assertThat(after[1]).isGreaterThan(0.9);
    }
}
