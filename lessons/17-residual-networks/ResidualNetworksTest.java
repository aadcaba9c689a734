package dev.descent.lessons.residualnetworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.residualnetworks.Main.Kind;
import dev.descent.nn.Module;
import dev.descent.nn.Residual;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ResidualNetworksTest {
    @Tag("exercise")
    @Test
    void aResidualBlockPassesTheGradientThroughUnchangedPlusTheBranch() {
        Module f = new Sequential(new ReLU(), new Linear(6, 6, new Rng(1)));
        Tensor upstream = Tensor.randn(new Rng(2), 3, 6);
        Tensor x1 = Tensor.randn(new Rng(3), 3, 6).requiresGrad(true);
        Tensor x2 = Tensor.randn(new Rng(3), 3, 6).requiresGrad(true);
        Tensor y = new SkipConnection(f).forward(x1);
        assertThat(y.toArray()).containsExactly(x1.add(f.forward(x1)).toArray(), within(1e-6f))
                .containsExactly(new Residual(f).forward(x1).toArray());
        y.mul(upstream).sum().backward();
        f.forward(x2).mul(upstream).sum().backward();
        // ∂(x + f(x))/∂x = I + ∂f/∂x: the upstream gradient arrives whole, plus whatever the branch adds.
        assertThat(x1.grad().toArray()).containsExactly(upstream.add(x2.grad()).toArray(), within(1e-6f));
    }

    @Tag("exercise")
    @Test
    void theFirstBlockGetsAGradientOnlyWithTheSkip() {
        double[] plain = Main.blockGradientNorms(Kind.PLAIN, 1);
        double[] residual = Main.blockGradientNorms(Kind.RESIDUAL, 1);
        assertThat(plain[0] / plain[Main.DEPTH - 1]).isLessThan(1e-5);
        assertThat(residual[0] / residual[Main.DEPTH - 1]).isBetween(0.1, 10.0);
    }

    @Tag("exercise")
    @Test
    void residualConnectionsLetTheDeepMlpTrain() {
        double constant = Main.targetVariance(1);
        double[] plain = Main.train(Kind.PLAIN, 1, 101);
        double[] residual = Main.train(Kind.RESIDUAL, 1, 101);
        // The plain network never gets past predicting a constant; the residual one is 100 times below that.
        assertThat(plain[100]).isCloseTo(constant, within(0.01 * constant));
        assertThat(residual[100]).isLessThan(constant / 100);
    }

    @Test
    void kaimingInitAlsoRescuesThePlainNetworkAtThisDepth() {
        assertThat(Main.train(Kind.PLAIN_KAIMING, 1, 101)[100]).isLessThan(Main.targetVariance(1) / 10);
    }
}
