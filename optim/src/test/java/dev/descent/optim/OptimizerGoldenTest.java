package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Backends;
import dev.descent.core.Tensor;
import dev.descent.optim.ReferenceOptimizers.Reference;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden trajectories: every optimizer and flag combination runs {@value #STEPS} steps on {@link GoldenProblem}
 * in float32 and is compared after every step with {@link ReferenceOptimizers}, the published formulas in
 * double, to 1e-5 relative. The learning rate changes at every step (γ_t = γ·(1 − 0.1t)) so the momentum
 * convention and AdamW's lr-scaled decay are exercised, and the bias b sits in its own parameter group with
 * its own weight decay, as GPT recipes exclude biases from decay. Two cases use a large ε so that where ε is
 * added (outside the root; after the bias correction) shows, and the AMSGrad cases use β2 = 0.5 so the running
 * maximum of the raw v (not of v̂) decides the trajectory.
 */
class OptimizerGoldenTest {
    static final int STEPS = 5;
    static final double TOLERANCE = 1e-5;

    /** An optimizer under test and its double-precision twin; {@code wd} is the default λ, {@code wdBias} b's. */
    record Case(String name, double lr, double wd, double wdBias,
                Function<ParamGroup[], Optimizer<?>> optimizer, Function<double[], Reference> reference) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("SGD plain", 0.05, 0, 0,
                        g -> new SGD(g).lr(0.05),
                        wd -> ReferenceOptimizers.sgd(0, 0, false, wd)),
                new Case("SGD momentum with dampening", 0.05, 0, 0,
                        g -> new SGD(g).lr(0.05).momentum(0.9).dampening(0.3),
                        wd -> ReferenceOptimizers.sgd(0.9, 0.3, false, wd)),
                new Case("SGD Nesterov", 0.05, 0, 0,
                        g -> new SGD(g).lr(0.05).momentum(0.9).nesterov(true),
                        wd -> ReferenceOptimizers.sgd(0.9, 0, true, wd)),
                new Case("SGD momentum, weight decay, bias not decayed", 0.05, 0.1, 0,
                        g -> new SGD(g).lr(0.05).momentum(0.9).weightDecay(0.1),
                        wd -> ReferenceOptimizers.sgd(0.9, 0, false, wd)),
                new Case("RMSProp plain", 0.01, 0, 0,
                        g -> new RMSProp(g).lr(0.01),
                        wd -> ReferenceOptimizers.rmsprop(0.99, 1e-8, 0, false, wd)),
                new Case("RMSProp centered with momentum", 0.01, 0, 0,
                        g -> new RMSProp(g).lr(0.01).alpha(0.9).momentum(0.8).centered(true),
                        wd -> ReferenceOptimizers.rmsprop(0.9, 1e-8, 0.8, true, wd)),
                new Case("RMSProp weight decay, large eps", 0.01, 0.1, 0.05,
                        g -> new RMSProp(g).lr(0.01).eps(0.05).weightDecay(0.1),
                        wd -> ReferenceOptimizers.rmsprop(0.99, 0.05, 0, false, wd)),
                new Case("Adam plain", 0.05, 0, 0,
                        g -> new Adam(g).lr(0.05),
                        wd -> ReferenceOptimizers.adam(0.9, 0.999, 1e-8, false, false, wd)),
                new Case("Adam AMSGrad", 0.05, 0, 0,
                        g -> new Adam(g).lr(0.05).betas(0.9, 0.5).amsgrad(true),
                        wd -> ReferenceOptimizers.adam(0.9, 0.5, 1e-8, true, false, wd)),
                new Case("Adam coupled weight decay, large eps", 0.05, 0.1, 0,
                        g -> new Adam(g).lr(0.05).eps(0.1).weightDecay(0.1),
                        wd -> ReferenceOptimizers.adam(0.9, 0.999, 0.1, false, false, wd)),
                new Case("AdamW decoupled weight decay, bias not decayed", 0.05, 0.1, 0,
                        g -> new AdamW(g).lr(0.05).betas(0.9, 0.95).weightDecay(0.1),
                        wd -> ReferenceOptimizers.adam(0.9, 0.95, 1e-8, false, true, wd)),
                new Case("AdamW AMSGrad", 0.05, 0.2, 0.2,
                        g -> new AdamW(g).lr(0.05).betas(0.9, 0.5).weightDecay(0.2).amsgrad(true),
                        wd -> ReferenceOptimizers.adam(0.9, 0.5, 1e-8, true, true, wd)));
    }

    /** γ_t = γ·(1 − 0.1t). */
    static double lrAt(double lr, int step) {
        return lr * (1 - 0.1 * step);
    }

    /** W and c in a group with the default decay, b in its own group with {@code wdBias}. */
    static ParamGroup[] groups(List<Tensor> params, double wdBias) {
        return new ParamGroup[] {ParamGroup.of(params.subList(0, 2)),
            ParamGroup.of(params.subList(2, 3)).withWeightDecay(wdBias)};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheDoubleReferenceAtEveryStep(Case c) {
        List<Tensor> params = GoldenProblem.params(Backends.cpu());
        Optimizer<?> optimizer = c.optimizer().apply(groups(params, c.wdBias()));
        double[][] expected = GoldenProblem.referenceParams();
        Reference reference = c.reference().apply(new double[] {c.wd(), c.wd(), c.wdBias()});
        for (int step = 0; step < STEPS; step++) {
            optimizer.zeroGrad();
            GoldenProblem.backward(params);
            optimizer.setLr(lrAt(c.lr(), step));
            optimizer.step();
            reference.step(expected, GoldenProblem.referenceGradient(expected), lrAt(c.lr(), step));
            for (int p = 0; p < params.size(); p++) {
                assertRelativelyClose(params.get(p).toArray(), expected[p], c + ", step " + (step + 1) + ", param " + p);
            }
        }
    }

    static void assertRelativelyClose(float[] actual, double[] expected, String what) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]);
            assertThat(error).as("%s, index %d: float %s vs double %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }
}
