package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Backends;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer configuration of the golden test runs unchanged on {@link MirrorBackend}: same values as on
 * the CPU, state tensors on the parameter's backend, and no device-to-host read during a step. Clipping and
 * accumulation read back exactly the one number they return.
 */
class BackendIndependenceTest {

    static Stream<OptimizerGoldenTest.Case> cases() {
        return OptimizerGoldenTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stepsOnAnotherBackendWithoutReadingItBack(OptimizerGoldenTest.Case c) {
        MirrorBackend mirror = new MirrorBackend();
        List<Tensor> onMirror = GoldenProblem.params(mirror);
        List<Tensor> onCpu = GoldenProblem.params(Backends.cpu());
        Optimizer<?> mirrorOptimizer = c.optimizer().apply(OptimizerGoldenTest.groups(onMirror, c.wdBias()));
        Optimizer<?> cpuOptimizer = c.optimizer().apply(OptimizerGoldenTest.groups(onCpu, c.wdBias()));
        for (int step = 0; step < 3; step++) {
            for (Optimizer<?> o : List.of(mirrorOptimizer, cpuOptimizer)) {
                o.zeroGrad();
                GoldenProblem.backward(o.params());
                o.setLr(OptimizerGoldenTest.lrAt(c.lr(), step));
            }
            int readsBefore = mirror.hostReads();
            mirrorOptimizer.step();
            assertThat(mirror.hostReads()).as("host reads during step()").isEqualTo(readsBefore);
            cpuOptimizer.step();
        }
        for (int i = 0; i < onCpu.size(); i++) {
            assertThat(mirrorOptimizer.params().get(i).toArray()).containsExactly(cpuOptimizer.params().get(i).toArray());
            assertThat(mirrorOptimizer.state(i).buffers().values()).allSatisfy(t -> assertThat(t.backend()).isSameAs(mirror));
        }
    }

    @Test
    void clippingReadsOnlyTheNormAndAccumulationOnlyTheMeanLoss() {
        MirrorBackend mirror = new MirrorBackend();
        List<Tensor> params = GoldenProblem.params(mirror);
        int reads = mirror.hostReads();
        double loss = GradAccumulation.accumulate(params, 3, k -> GoldenProblem.loss(params));
        assertThat(mirror.hostReads()).isEqualTo(reads + 1);
        double norm = GradClip.clipGradNorm(params, 0.1);
        assertThat(mirror.hostReads()).isEqualTo(reads + 2);
        assertThat(params).allSatisfy(p -> assertThat(p.grad().backend()).isSameAs(mirror));

        List<Tensor> cpu = GoldenProblem.params(Backends.cpu());
        assertThat(loss).isCloseTo(GoldenProblem.loss(cpu).item(), within(1e-5));
        assertThat(norm).isGreaterThan(0.1);
    }

    @Test
    void stateExportedOnTheCpuResumesOnAnotherBackend() {
        List<Tensor> onCpu = GoldenProblem.params(Backends.cpu());
        AdamW cpuOptimizer = new AdamW(onCpu).lr(0.05).betas(0.9, 0.95).weightDecay(0.1).amsgrad(true);
        step(cpuOptimizer, 2);
        MirrorBackend mirror = new MirrorBackend();
        List<Tensor> onMirror = GoldenProblem.params(mirror);
        for (int i = 0; i < onCpu.size(); i++) {
            onMirror.get(i).copyFrom(onCpu.get(i));
        }
        AdamW mirrorOptimizer = new AdamW(onMirror).lr(0.05).betas(0.9, 0.95).weightDecay(0.1).amsgrad(true);
        mirrorOptimizer.importState(cpuOptimizer.exportState());
        assertThat(mirrorOptimizer.state(0).buffers().values()).allSatisfy(t -> assertThat(t.backend()).isSameAs(mirror));
        step(cpuOptimizer, 2);
        step(mirrorOptimizer, 2);
        for (int i = 0; i < onCpu.size(); i++) {
            assertThat(onMirror.get(i).toArray()).containsExactly(onCpu.get(i).toArray());
        }
    }

    private static void step(Optimizer<?> optimizer, int n) {
        for (int i = 0; i < n; i++) {
            optimizer.zeroGrad();
            GoldenProblem.backward(optimizer.params());
            optimizer.step();
        }
    }
}
