package dev.descent.lessons.autoregressivemodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class AutoregressiveModelsTest {
    private static final int EDITED = 20;

    @Test
    void theCountFormulaIsTheAverageCrossEntropyOverPositions() {
        int[] ids = Arrays.copyOf(Main.heldOutIds(), 2_000);
        Tensor logits = Main.countModel();
        float[] x = new float[ids.length - 1];
        float[] y = new float[ids.length - 1];
        for (int i = 0; i + 1 < ids.length; i++) {
            x[i] = ids[i];
            y[i] = ids[i + 1];
        }
        Tensor rows = Functional.embedding(logits, Tensor.fromArray(x));
        float direct = Functional.crossEntropy(rows, Tensor.fromArray(y)).item();
        assertThat(Main.nll(logits, ids)).isCloseTo(direct, within(1e-5));
    }

    @Test
    void moreContextPredictsBetter() {
        double uniform = Math.log(CharText.vocabSize());
        double unigram = Main.unigramNll(Main.trainIds(), Main.heldOutIds());
        double bigram = Main.nll(Main.countModel(), Main.heldOutIds());
        assertThat(unigram).isLessThan(uniform - 1);
        assertThat(bigram).isLessThan(unigram - 0.5);
    }

    @Test
    void gradientDescentOnTheTableRecoversTheCounts() {
        Main.Fit learned = Main.learnedBigram(Main.BIGRAM_STEPS, 23);
        Tensor counted = Main.countModel();
        double learnedNll = Main.nll(learned.logits(), Main.trainIds());
        assertThat(learned.nll()[0]).isCloseTo(Math.log(CharText.vocabSize()), within(1e-5));
        assertThat(learnedNll).isCloseTo(Main.nll(counted, Main.trainIds()), within(0.02));
        int v = CharText.vocabSize();
        int t = CharText.encode("t")[0];
        int h = CharText.encode("h")[0];
        assertThat(Bigram.probabilities(learned.logits()).toArray()[t * v + h])
                .isCloseTo(Bigram.probabilities(counted).toArray()[t * v + h], within(0.02f));
    }

    @Tag("exercise")
    @Test
    void changingAFutureTokenNeverChangesEarlierPredictions() {
        int v = CharText.vocabSize();
        Module attention = new AttentionModel(v, Main.CONTEXT, Main.WIDTH, true, new Rng(1));
        Module gpt = new GPT(new GPTConfig(v, Main.CONTEXT, 2, 2, 32, 0f, false), new Rng(2));
        Tensor x = Main.window(Main.heldOutIds(), 0, Main.CONTEXT);
        for (Module model : new Module[] {attention, gpt}) {
            double[] change = Main.changeFromEditingToken(model, x, EDITED, CharText.encode("Q")[0]);
            for (int t = 0; t < EDITED; t++) {
                assertThat(change[t]).as(model.getClass().getSimpleName() + " position " + t).isZero();
            }
            assertThat(change[EDITED]).isPositive();
        }
    }

    @Test
    void anUnmaskedModelLeaksTheFuture() {
        Module unmasked = new AttentionModel(CharText.vocabSize(), Main.CONTEXT, Main.WIDTH, false, new Rng(1));
        Tensor x = Main.window(Main.heldOutIds(), 0, Main.CONTEXT);
        double[] change = Main.changeFromEditingToken(unmasked, x, EDITED, CharText.encode("Q")[0]);
        for (int t = 0; t < EDITED; t++) {
            assertThat(change[t]).as("position " + t).isPositive();
        }
    }

    @Tag("exercise")
    @Test
    void aCausalModelScoresTheSameWithOrWithoutTheFuture() {
        Module causal = new AttentionModel(CharText.vocabSize(), Main.CONTEXT, Main.WIDTH, true, new Rng(1));
        double[] loss = Main.heldOutLoss(causal, 2);
        assertThat(loss[1]).isCloseTo(loss[0], within(1e-5));
    }

    @Test
    void anUnmaskedModelCheatsInTrainingAndFailsInGeneration() {
        Main.Trained unmasked = Main.trainAttention(false, Main.ATTENTION_STEPS, 7);
        double[] loss = Main.heldOutLoss(unmasked.model(), 4);
        // It reads the answer at position t + 1: far below the bigram's 2.5 nats when the future is in the input...
        assertThat(loss[0]).isLessThan(1.0);
        // ...and worse than knowing nothing (log 83 = 4.4) when it is not, as in generation.
        assertThat(loss[1]).isGreaterThan(Math.log(CharText.vocabSize()));
    }
}
