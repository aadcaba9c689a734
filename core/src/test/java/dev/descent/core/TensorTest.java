package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Factories, element access and printing. */
class TensorTest {

    @Test
    void zerosOnesAndFull() {
        Tensor z = Tensor.zeros(2, 3);
        assertThat(z.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(z.rank()).isEqualTo(2);
        assertThat(z.numel()).isEqualTo(6);
        assertThat(z.dim(-1)).isEqualTo(3);
        assertThat(z.toArray()).containsOnly(0f);
        assertThat(Tensor.ones(4).toArray()).containsExactly(1, 1, 1, 1);
        assertThat(Tensor.full(-2.5f, 1, 2).toArray()).containsExactly(-2.5f, -2.5f);
        assertThat(Tensor.zeros().shape()).isEqualTo(Shape.scalar());
        assertThat(Tensor.zeros(3, 0).numel()).isZero();
    }

    @Test
    void scalarHasRankZeroAndOneElement() {
        Tensor s = Tensor.scalar(7);
        assertThat(s.rank()).isZero();
        assertThat(s.numel()).isEqualTo(1);
        assertThat(s.item()).isEqualTo(7);
    }

    /** Like torch.tensor([v]) and torch.tensor(v): an array is a vector even of one value; dims are the exact shape. */
    @Test
    void fromArrayOfOneValueIsAVectorAndEmptyDimsAreTheScalarShape() {
        assertThat(Tensor.fromArray(new float[] {5}).shape()).isEqualTo(Shape.of(1));
        assertThat(Tensor.fromArray(new float[] {5}, new int[0]).shape()).isEqualTo(Shape.scalar());
        Tensor s = Tensor.scalar(5);
        assertThat(Tensor.fromArray(s.toArray(), s.shape().dims()).shape()).as("a round trip keeps a scalar a scalar")
                .isEqualTo(Shape.scalar());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Tensor.fromArray(new float[] {1, 2}, new int[0]))
                .hasMessageContaining("2 values cannot fill shape ()");
    }

    @Test
    void fromArrayCopiesItsInput() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.fromArray(data, 3, 2);
        data[0] = 99;
        assertThat(t.toArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(t.shape()).isEqualTo(Shape.of(3, 2));
        assertThat(Tensor.fromArray(new float[] {4, 5}).shape()).isEqualTo(Shape.of(2));
    }

    @Test
    void toArrayReturnsACopy() {
        Tensor t = Tensor.ones(2);
        t.toArray()[0] = 5;
        assertThat(t.toArray()).containsExactly(1, 1);
    }

    @Test
    void itemReadsTheOneElementOfAnyRank() {
        assertThat(Tensor.full(3, 1, 1, 1).item()).isEqualTo(3);
        assertThat(Tensor.fromArray(new float[] {4}).item()).isEqualTo(4);
    }

    @Test
    void arangeCountsUpOrDownByItsStep() {
        assertThat(Tensor.arange(4).toArray()).containsExactly(0, 1, 2, 3);
        assertThat(Tensor.arange(1, 2, 0.25f).toArray()).containsExactly(1, 1.25f, 1.5f, 1.75f);
        assertThat(Tensor.arange(3, 0, -1).toArray()).containsExactly(3, 2, 1);
        assertThat(Tensor.arange(0, 1, 0.3f).toArray()).containsExactly(new float[] {0, 0.3f, 0.6f, 0.9f}, within(1e-6f));
        assertThat(Tensor.arange(0).numel()).isZero();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void randomFactoriesRepeatForASeed(long seed) {
        assertThat(Tensor.randn(new Rng(seed), 3, 4).toArray()).containsExactly(Tensor.randn(new Rng(seed), 3, 4).toArray());
        assertThat(Tensor.rand(new Rng(seed), 5).toArray()).containsExactly(Tensor.rand(new Rng(seed), 5).toArray());
        assertThat(Tensor.randn(new Rng(seed), 8).toArray()).isNotEqualTo(Tensor.randn(new Rng(seed + 1), 8).toArray());
    }

    @Test
    void randomFactoriesContinueTheGeneratorsStream() {
        Rng rng = new Rng(11);
        float[] both = Tensor.rand(rng, 6).toArray();
        Rng again = new Rng(11);
        float[] first = Tensor.rand(again, 2).toArray();
        float[] rest = Tensor.rand(again, 4).toArray();
        assertThat(first).containsExactly(both[0], both[1]);
        assertThat(rest).containsExactly(both[2], both[3], both[4], both[5]);
    }

    /** 100,000 draws: the mean is within 4 standard errors of 0, the standard deviation within 1%. */
    @Test
    void randnHasMeanZeroAndStandardDeviationOne() {
        float[] v = Tensor.randn(new Rng(2024), 100_000).toArray();
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        assertThat(mean).isCloseTo(0, within(4 / Math.sqrt(v.length)));
        assertThat(Math.sqrt(var / v.length)).isCloseTo(1, within(0.01));
    }

    @Test
    void randIsUniformOnZeroToOne() {
        float[] v = Tensor.rand(new Rng(5), 100_000).toArray();
        double mean = 0;
        int below = 0;
        for (float x : v) {
            assertThat(x).isGreaterThanOrEqualTo(0f).isLessThan(1f);
            mean += x;
            below += x < 0.25f ? 1 : 0;
        }
        assertThat(mean / v.length).isCloseTo(0.5, within(0.005));
        assertThat(below / (double) v.length).isCloseTo(0.25, within(0.006));
    }

    @Test
    void toStringPrintsNestedRowsLikePyTorch() {
        assertThat(Tensor.arange(3).toString()).isEqualTo("tensor([0.0000, 1.0000, 2.0000])");
        assertThat(Tensor.arange(6).reshape(2, 3).toString()).isEqualTo("""
                tensor([[0.0000, 1.0000, 2.0000],
                        [3.0000, 4.0000, 5.0000]])""");
        assertThat(Tensor.arange(4).reshape(2, 1, 2).toString()).isEqualTo("""
                tensor([[[0.0000, 1.0000]],

                        [[2.0000, 3.0000]]])""");
        assertThat(Tensor.scalar(-1.5f).toString()).isEqualTo("tensor(-1.5000)");
        assertThat(Tensor.ones(2).requiresGrad(true).toString()).isEqualTo("tensor([1.0000, 1.0000], requiresGrad)");
        assertThat(Tensor.fromArray(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
                .toString()).isEqualTo("tensor([nan, inf, -inf])");
        assertThat(Tensor.zeros(0).toString()).isEqualTo("tensor([])");
    }

    @Test
    void toStringElidesTheMiddleOfLongAxes() {
        assertThat(Tensor.arange(10).toString())
                .isEqualTo("tensor([0.0000, 1.0000, 2.0000, ..., 7.0000, 8.0000, 9.0000])");
        assertThat(Tensor.arange(6).toString()).doesNotContain("...");
        assertThat(Tensor.arange(14).reshape(7, 2).toString()).isEqualTo("""
                tensor([[0.0000, 1.0000],
                        [2.0000, 3.0000],
                        [4.0000, 5.0000],
                        ...,
                        [8.0000, 9.0000],
                        [10.0000, 11.0000],
                        [12.0000, 13.0000]])""");
        String big = Tensor.zeros(1000, 1000).toString();
        assertThat(big.split("\n")).hasSize(7);
        assertThat(big.length()).isLessThan(700);
    }

    @Test
    void detachSharesTheValues() {
        Tensor x = Tensor.zeros(2).requiresGrad(true);
        Tensor d = x.detach();
        x.copyFrom(Tensor.ones(2));
        assertThat(d.toArray()).containsExactly(1, 1);
    }

    @Test
    void tensorsLiveOnTheDefaultCpuBackend() {
        Tensor t = Tensor.ones(2);
        assertThat(t.backend()).isSameAs(Backends.cpu());
        assertThat(Backends.defaultBackend()).isSameAs(Backends.cpu());
        assertThat(t.backend().name()).isEqualTo("cpu");
        assertThat(t.to(Backends.cpu())).isSameAs(t);
    }
}
