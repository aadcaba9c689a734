package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** clip_grad_norm_: total = √Σ‖g_i‖², coef = min(1, maxNorm/(total + 1e−6)), returns total. */
class GradClipTest {

    /** Three parameters; the first two have gradients (norm² = 1+4+4+16 + 9+36 = 70), the third none. */
    static List<Tensor> params() {
        Tensor a = Tensor.zeros(2, 2).requiresGrad(true);
        a.setGrad(Tensor.fromArray(new float[] {1, -2, 2, 4}, 2, 2));
        Tensor b = Tensor.zeros(2).requiresGrad(true);
        b.setGrad(Tensor.fromArray(new float[] {3, -6}, 2));
        return List.of(a, b, Tensor.zeros(3).requiresGrad(true));
    }

    static double globalNorm(List<Tensor> params) {
        double sum = 0;
        for (Tensor p : params) {
            if (p.grad() != null) {
                for (float g : p.grad().toArray()) {
                    sum += (double) g * g;
                }
            }
        }
        return Math.sqrt(sum);
    }

    @Test
    void belowTheLimitGradientsAreUntouched() {
        List<Tensor> p = params();
        double norm = GradClip.clipGradNorm(p, 10.0);
        assertThat(norm).isCloseTo(Math.sqrt(70), within(1e-6));
        assertThat(p.get(0).grad().toArray()).containsExactly(1, -2, 2, 4);
        assertThat(p.get(1).grad().toArray()).containsExactly(3, -6);
        assertThat(p.get(2).grad()).isNull();
    }

    @Test
    void aboveTheLimitTheGlobalNormBecomesMaxNormAndDirectionsStay() {
        List<Tensor> p = params();
        double norm = GradClip.clipGradNorm(p, 1.0);
        assertThat(norm).as("returns the norm before clipping").isCloseTo(Math.sqrt(70), within(1e-6));
        assertThat(globalNorm(p)).isCloseTo(1.0, within(1e-6));
        double coef = 1.0 / (Math.sqrt(70) + 1e-6);
        assertThat(p.get(1).grad().toArray()[1]).isCloseTo((float) (-6 * coef), within(1e-7f));
        assertThat(p.get(0).grad().toArray()[3]).isCloseTo((float) (4 * coef), within(1e-7f));
    }

    @Test
    void nonFiniteNormThrowsWhenAskedAndLeavesTheGradients() {
        List<Tensor> p = params();
        p.get(1).setGrad(Tensor.fromArray(new float[] {Float.NaN, 1}, 2));
        assertThatThrownBy(() -> GradClip.clipGradNorm(p, 1.0, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("total gradient norm is NaN");
        assertThat(p.get(0).grad().toArray()).containsExactly(1, -2, 2, 4);
        p.get(1).setGrad(Tensor.fromArray(new float[] {Float.POSITIVE_INFINITY, 1}, 2));
        assertThatThrownBy(() -> GradClip.clipGradNorm(p, 1.0, true)).hasMessageContaining("Infinity");
    }

    @Test
    void nonFiniteNormWithoutTheCheckTurnsGradientsIntoNaNAsPytorchDoes() {
        List<Tensor> p = params();
        p.get(1).setGrad(Tensor.fromArray(new float[] {Float.NaN, 1}, 2));
        assertThat(GradClip.clipGradNorm(p, 1.0)).isNaN();
        assertThat(p.get(0).grad().toArray()).containsOnly(Float.NaN);
    }

    /**
     * The CPU's fused sum of squares (double) and the composed default (on {@link MirrorBackend}: per-tensor sums
     * added in float) against the norm summed in double, over gradients of many sizes, one of several blocks.
     */
    @Test
    void theFusedNormAgreesWithTheComposedDefaultAndADoubleSum() {
        MirrorBackend mirror = new MirrorBackend();
        Rng rng = new Rng(9);
        List<Tensor> onCpu = new ArrayList<>();
        List<Tensor> onMirror = new ArrayList<>();
        for (int[] dims : new int[][] {{40_003}, {3, 7}, {1}, {129, 65}, {}}) {
            Tensor g = Tensor.randn(rng, dims).mul(3f);
            Tensor p = Tensor.zeros(dims).requiresGrad(true);
            p.setGrad(g);
            onCpu.add(p);
            Tensor q = mirror.full(g.shape(), 0f).requiresGrad(true);
            q.setGrad(mirror.fromArray(g.toArray(), g.shape()));
            onMirror.add(q);
        }
        double expected = globalNorm(onCpu);
        assertThat(GradClip.clipGradNorm(onCpu, 1e9)).isCloseTo(expected, within(expected * 1e-7));
        assertThat(GradClip.clipGradNorm(onMirror, 1e9)).isCloseTo(expected, within(expected * 1e-6));
    }

    @Test
    void noGradientsGiveANormOfZero() {
        assertThat(GradClip.clipGradNorm(List.of(Tensor.zeros(3).requiresGrad(true)), 1.0)).isZero();
    }
}
