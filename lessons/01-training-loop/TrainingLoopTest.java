package dev.descent.lessons.trainingloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {
    @Test
    @Tag("exercise")
    void lossFallsUntilConvergence() {
        Main.Run run = Main.train(Main.handWrittenUpdate(Main.LR));
        List<Float> losses = run.losses();
        assertThat(run.converged()).isTrue();
        assertThat(run.updates()).isLessThan(Main.MAX_STEPS);
        for (int t = 1; t < losses.size(); t++) {
            assertThat(losses.get(t)).as("loss after update %d", t).isLessThanOrEqualTo(losses.get(t - 1));
        }
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) / 100);
        // Where it stopped is the best line there is: the closed-form least-squares solution.
        double[] exact = Main.leastSquares(Main.Data.make(Main.DATA_SEED));
        assertThat((double) run.slope()).isCloseTo(exact[0], within(1e-3));
        assertThat((double) run.intercept()).isCloseTo(exact[1], within(1e-3));
        // And the residual loss is the noise we put in: σ² = 0.01, within sampling error.
        assertThat((double) losses.get(losses.size() - 1)).isCloseTo(Main.NOISE * Main.NOISE, within(0.004));
    }

    @Test
    @Tag("exercise")
    void handWrittenUpdateMatchesOptimSgd() {
        Main.Run byHand = Main.train(Main.handWrittenUpdate(Main.LR));
        Main.Run withSgd = Main.train(Main.sgdUpdate(Main.LR));
        assertThat(withSgd.losses()).containsExactlyElementsOf(byHand.losses());
        assertThat(withSgd.slope()).isEqualTo(byHand.slope());
        assertThat(withSgd.intercept()).isEqualTo(byHand.intercept());
    }
}
