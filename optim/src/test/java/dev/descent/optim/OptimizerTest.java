package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Backends;
import dev.descent.core.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Groups, state, checkpoints and argument checking of the optimizers, on {@link GoldenProblem}. */
class OptimizerTest {

    static Stream<Arguments> invalidHyperparameters() {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        return Stream.of(
                Arguments.of((Runnable) () -> new SGD(p).lr(-0.1), "SGD: invalid lr -0.1"),
                Arguments.of((Runnable) () -> new SGD(p).momentum(-0.5), "SGD: invalid momentum -0.5"),
                Arguments.of((Runnable) () -> new SGD(p).weightDecay(-1), "SGD: invalid weightDecay -1.0"),
                Arguments.of((Runnable) () -> new SGD(p).nesterov(true), "Nesterov momentum requires a momentum > 0"),
                Arguments.of((Runnable) () -> new SGD(p).momentum(0.9).dampening(0.1).nesterov(true),
                        "and zero dampening, got momentum 0.9 and dampening 0.1"),
                Arguments.of((Runnable) () -> new SGD(p).momentum(0.9).nesterov(true).momentum(0),
                        "got momentum 0.0 and dampening 0.0"),
                Arguments.of((Runnable) () -> new RMSProp(p).eps(0), "RMSProp: invalid eps 0.0"),
                Arguments.of((Runnable) () -> new RMSProp(p).alpha(-0.1), "RMSProp: invalid alpha -0.1"),
                Arguments.of((Runnable) () -> new Adam(p).lr(Double.NaN), "Adam: invalid lr NaN"),
                Arguments.of((Runnable) () -> new Adam(p).betas(1.0, 0.999), "Adam: invalid beta1 1.0 (must be in [0, 1))"),
                Arguments.of((Runnable) () -> new Adam(p).betas(0.9, -0.1), "Adam: invalid beta2 -0.1"),
                Arguments.of((Runnable) () -> new AdamW(p).eps(-1e-8), "AdamW: invalid eps -1.0E-8"),
                Arguments.of((Runnable) () -> new AdamW(ParamGroup.of(List.of()).withLr(-2)), "AdamW: invalid lr -2.0"),
                // 1e39 is finite in double but the kernels take it as a float32: infinity, and NaN weights after one step
                Arguments.of((Runnable) () -> new AdamW(p).lr(1e39), "AdamW: invalid lr 1.0E39 (must be a finite value >= 0 "
                        + "in float32"),
                Arguments.of((Runnable) () -> new AdamW(p).setLr(1e39), "AdamW: invalid lr 1.0E39"),
                Arguments.of((Runnable) () -> new SGD(p).weightDecay(-1e39), "SGD: invalid weightDecay -1.0E39"),
                Arguments.of((Runnable) () -> new AdamW(p).eps(4e38), "AdamW: invalid eps 4.0E38"));
    }

    /** A new optimizer holds PyTorch's defaults; AdamW differs from Adam in its weight decay alone. */
    @Test
    void defaultsArePyTorchs() {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        assertThat(new SGD(p).groupLr(0)).isEqualTo(1e-3);
        assertThat(new RMSProp(p).groupLr(0)).isEqualTo(1e-2);
        assertThat(new Adam(p).groupLr(0)).isEqualTo(1e-3);
        assertThat(new Adam(p).groupWeightDecay(0)).isEqualTo(0.0);
        assertThat(new AdamW(p).groupWeightDecay(0)).isEqualTo(1e-2);
        float[][] defaults = run(g -> new Adam(g), 3);
        float[][] named = run(g -> new Adam(g).lr(1e-3).betas(0.9, 0.999).eps(1e-8).weightDecay(0).amsgrad(false), 3);
        assertThat(named).isDeepEqualTo(defaults);
    }

    @ParameterizedTest
    @MethodSource("invalidHyperparameters")
    void rejectsInvalidHyperparametersNamingTheValue(Runnable construct, String message) {
        assertThatThrownBy(construct::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void rejectsAParameterGivenTwice() {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        assertThatThrownBy(() -> new SGD(ParamGroup.of(p), ParamGroup.of(p.subList(0, 1))))
                .hasMessageContaining("appears in more than one place");
    }

    @Test
    void groupsKeepTheirOwnLearningRateAndDecay() {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        AdamW adamw = new AdamW(ParamGroup.of(p.subList(0, 2)), ParamGroup.of(p.subList(2, 3)).withLr(0.5)
                .withWeightDecay(0)).lr(0.01).betas(0.9, 0.95).weightDecay(0.1);
        assertThat(adamw.groupCount()).isEqualTo(2);
        assertThat(adamw.groupLr(0)).isEqualTo(0.01);
        assertThat(adamw.groupLr(1)).isEqualTo(0.5);
        assertThat(adamw.groupWeightDecay(0)).isEqualTo(0.1);
        assertThat(adamw.groupWeightDecay(1)).isEqualTo(0.0);
        assertThat(adamw.params()).containsExactlyElementsOf(p);
        adamw.setLr(0.2);
        assertThat(adamw.groupLr(1)).isEqualTo(0.2);
        assertThatThrownBy(() -> adamw.setLr(-1)).hasMessageContaining("invalid lr -1.0");
    }

    @Test
    void zeroGradDropsEveryGradient() {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        SGD sgd = new SGD(p).lr(0.1);
        GoldenProblem.backward(p);
        assertThat(p).allSatisfy(t -> assertThat(t.grad()).isNotNull());
        sgd.zeroGrad();
        assertThat(p).allSatisfy(t -> assertThat(t.grad()).isNull());
    }

    @Test
    void parametersWithoutAGradientAreSkipped() {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        Adam adam = new Adam(p).lr(0.1);
        GoldenProblem.backward(p);
        p.get(1).zeroGrad();
        float[] before = p.get(1).toArray();
        adam.step();
        adam.step();
        assertThat(p.get(1).toArray()).containsExactly(before);
        assertThat(adam.state(1)).isNull();
        assertThat(adam.state(0).step()).isEqualTo(2);
        assertThat(adam.state(0).buffers()).containsOnlyKeys("exp_avg", "exp_avg_sq");
    }

    /**
     * stepAndCheckFinite is step() that also says whether what it wrote is finite: the same values as step() when
     * it is, false once a gradient holds NaN (θ and the moments of that parameter become NaN).
     */
    @Test
    void stepAndCheckFiniteStepsAsStepDoesAndReportsANonFiniteUpdate() {
        List<Tensor> checked = GoldenProblem.params(Backends.cpu());
        List<Tensor> plain = GoldenProblem.params(Backends.cpu());
        AdamW withCheck = new AdamW(checked).lr(0.05).amsgrad(true);
        AdamW without = new AdamW(plain).lr(0.05).amsgrad(true);
        GoldenProblem.backward(checked);
        GoldenProblem.backward(plain);
        assertThat(withCheck.stepAndCheckFinite()).isTrue();
        without.step();
        for (int i = 0; i < checked.size(); i++) {
            assertThat(checked.get(i).toArray()).containsExactly(plain.get(i).toArray());
        }
        Tensor g = checked.get(1).grad();
        float[] poisoned = g.toArray();
        poisoned[0] = Float.NaN;
        g.copyFrom(Tensor.fromArray(poisoned, g.shape().dims()));
        assertThat(withCheck.stepAndCheckFinite()).isFalse();
        assertThat(checked.get(1).toArray()[0]).isNaN();
        assertThat(withCheck.state(1).step()).isEqualTo(2);
    }

    @Test
    void adamWithoutDecayEqualsAdamWWithoutDecay() {
        float[][] adam = run(g -> new Adam(g).lr(0.05).betas(0.9, 0.95), 4);
        float[][] adamw = run(g -> new AdamW(g).lr(0.05).betas(0.9, 0.95).weightDecay(0), 4);
        assertThat(adamw).isDeepEqualTo(adam);
    }

    @Test
    void amsgradChangesTheTrajectoryOnTheGoldenProblem() {
        float[][] plain = run(g -> new Adam(g).lr(0.05).betas(0.9, 0.5), 5);
        float[][] amsgrad = run(g -> new Adam(g).lr(0.05).betas(0.9, 0.5).amsgrad(true), 5);
        assertThat(Math.abs(plain[0][0] - amsgrad[0][0])).isGreaterThan(1e-3f);
    }

    static Stream<Function<List<Tensor>, Optimizer<?>>> optimizers() {
        return Stream.of(
                p -> new SGD(p).lr(0.05).momentum(0.9).dampening(0.1).weightDecay(0.01),
                p -> new RMSProp(p).lr(0.01).alpha(0.9).weightDecay(0.01).momentum(0.8).centered(true),
                p -> new Adam(p).lr(0.05).betas(0.9, 0.5).weightDecay(0.01).amsgrad(true),
                p -> new AdamW(p).lr(0.05).betas(0.9, 0.95).weightDecay(0.1));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void exportedStateResumesTheSameTrajectoryBitForBit(Function<List<Tensor>, Optimizer<?>> make) {
        List<Tensor> a = GoldenProblem.params(Backends.cpu());
        Optimizer<?> first = make.apply(a);
        steps(first, a, 3);
        OptimizerState saved = first.exportState();
        assertThat(saved.steps()).containsEntry("0", 3L).containsEntry("2", 3L);

        List<Tensor> b = GoldenProblem.params(Backends.cpu());
        for (int i = 0; i < a.size(); i++) {
            b.get(i).copyFrom(a.get(i));
        }
        Optimizer<?> resumed = make.apply(b);
        resumed.importState(saved);
        steps(first, a, 2);
        steps(resumed, b, 2);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).toArray()).containsExactly(a.get(i).toArray());
        }
        assertThat(resumed.state(0).step()).isEqualTo(5);
    }

    @Test
    void importRefusesStateThatDoesNotFit() {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        Adam adam = new Adam(p).lr(0.05);
        steps(adam, p, 1);
        OptimizerState good = adam.exportState();

        assertThatThrownBy(() -> adam.importState(with(good, "1.exp_avg", Tensor.zeros(3))))
                .hasMessageContaining("state '1.exp_avg' has shape (3) but the parameter has shape (2)");
        assertThatThrownBy(() -> adam.importState(with(good, "0.momentum_buffer", Tensor.zeros(2, 3))))
                .hasMessageContaining("state key '0.momentum_buffer' is not <index>.<buffer>");
        assertThatThrownBy(() -> adam.importState(with(good, "7.exp_avg", Tensor.zeros(2, 3))))
                .hasMessageContaining("names parameter 7 but there are 3");
        assertThatThrownBy(() -> adam.importState(new OptimizerState(good.tensors(), Map.of("0", 1L, "1", 1L))))
                .hasMessageContaining("state '2.exp_avg' has no step counter");
        assertThat(adam.state(0).step()).isEqualTo(1);
    }

    private static OptimizerState with(OptimizerState state, String key, Tensor value) {
        Map<String, Tensor> tensors = new HashMap<>(state.tensors());
        tensors.put(key, value);
        return new OptimizerState(tensors, state.steps());
    }

    private static void steps(Optimizer<?> optimizer, List<Tensor> params, int n) {
        for (int i = 0; i < n; i++) {
            optimizer.zeroGrad();
            GoldenProblem.backward(params);
            optimizer.step();
        }
    }

    private static float[][] run(Function<List<Tensor>, Optimizer<?>> make, int n) {
        List<Tensor> p = GoldenProblem.params(Backends.cpu());
        steps(make.apply(p), p, n);
        return p.stream().map(Tensor::toArray).toArray(float[][]::new);
    }
}
