package dev.descent.lessons.epochs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Rng;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class EpochsAndHyperparametersTest {
    private static final Main.Data DATA = Main.Data.make(Main.DATA_SEED);
    private static final List<Main.Run> RUNS = Main.sweepRuns(DATA);
    private static final double NOISE_VARIANCE = Main.NOISE * Main.NOISE;

    @Test
    @Tag("exercise")
    void eachEpochIsASeededShuffledPassOverEveryExample() {
        Rng rng = new Rng(Main.SHUFFLE_SEED);
        int[] first = EpochOrder.shuffle(rng, Main.TRAIN);
        int[] second = EpochOrder.shuffle(rng, Main.TRAIN);
        int[] everyExample = new int[Main.TRAIN];
        Arrays.setAll(everyExample, i -> i);
        assertThat(first).containsExactlyInAnyOrder(everyExample);
        assertThat(second).containsExactlyInAnyOrder(everyExample);
        assertThat(second).isNotEqualTo(first);
        assertThat(EpochOrder.shuffle(new Rng(Main.SHUFFLE_SEED), Main.TRAIN)).isEqualTo(first);
        // And so a run repeats exactly.
        Main.Run again = Main.train(DATA, Main.LRS[0], 5);
        assertThat(again.validationLoss()).isEqualTo(Arrays.copyOf(RUNS.get(0).validationLoss(), 6));
    }

    @Test
    @Tag("exercise")
    void validationLossRisesWhenTheModelOverfits() {
        Main.Run run = RUNS.get(Main.PICTURE);
        int best = Main.bestEpoch(run);
        int last = Main.MAX_EPOCHS;
        assertThat(best).isBetween(1, 100);
        // After its best epoch the validation loss climbs to several times its minimum ...
        assertThat(run.validationLoss()[last]).isGreaterThan(3 * run.validationLoss()[best]);
        // ... while the training loss keeps falling, to below the noise variance: the model is learning the noise.
        assertThat(run.trainLoss()[last]).isLessThan(run.trainLoss()[best] / 3).isLessThan(NOISE_VARIANCE / 2);
        assertThat(run.validationLoss()[best]).isGreaterThan(NOISE_VARIANCE);
    }

    @Test
    @Tag("exercise")
    void sweepPicksTheBestValidationSetting() {
        List<Main.Setting> settings = Main.sweep(DATA, RUNS);
        Main.Setting chosen = Main.choose(settings);
        assertThat(settings).hasSize(Main.LRS.length * Main.EPOCH_GRID.length);
        assertThat(settings).allSatisfy(s ->
                assertThat(s.validationLoss()).isGreaterThanOrEqualTo(chosen.validationLoss()));
        // Stopping early wins: the choice is not the longest training ...
        assertThat(chosen.epochs()).isLessThan(Main.MAX_EPOCHS);
        // ... and the test set, never used to choose, confirms it: within 10% of the best test loss on the grid,
        // and far better than training longest at the largest learning rate.
        double bestTest = settings.stream().mapToDouble(Main.Setting::testLoss).min().orElseThrow();
        assertThat(chosen.testLoss()).isLessThanOrEqualTo(1.1 * bestTest);
        assertThat(chosen.testLoss()).isLessThan(settings.get(settings.size() - 1).testLoss() / 3);
    }

    @Test
    void aSmallerLearningRateNeedsProportionallyMoreEpochs() {
        // lr 0.003, 0.01, 0.03: each about 3.3× the last, so the best epoch should shrink about 3.3× per step.
        int slow = Main.bestEpoch(RUNS.get(0));
        int medium = Main.bestEpoch(RUNS.get(1));
        int fast = Main.bestEpoch(RUNS.get(2));
        assertThat((double) slow / medium).isBetween(2.0, 5.0);
        assertThat((double) medium / fast).isBetween(2.0, 5.0);
    }
}
