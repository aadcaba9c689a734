package dev.descent.lessons.tinygpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Backends;
import dev.descent.nn.gpt.GPT;
import dev.descent.optim.GradAccumulation;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Corpora;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.GptTokenizer;
import dev.descent.train.loop.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyGptTest {
    @TempDir
    Path dir;

    private Path data;
    private TrainConfig config;
    private Trainer trainer;

    /** A tiny GPT on a slice of Moby-Dick, ready to train for eight steps. */
    @BeforeEach
    void tinyRun() throws IOException {
        data = dir.resolve("data");
        Dataset.write(data, Corpora.mobyDickChapters().subList(0, 12), 0.1, 1 << 14, new GptTokenizer());
        TrainConfig c = TrainConfig.tinyCpu().with(new TrainConfig.Model(50257, 32, 1, 2, 32, 0f))
                .with(new TrainConfig.Batch(4, 32, 256)).with("steps", 8).with("maxLr", 1e-2).with("minLr", 1e-3)
                .with("warmupSteps", 2).with("evalEvery", 0).with("evalBatches", 4).with("checkpointEvery", 0)
                .with("data", data).with("out", dir.resolve("run"));
        config = c;
        trainer = new Trainer(c, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void aFewStepsOnMobyDickLowerTheValidationLossFromUniform() throws IOException {
        double before = trainer.validationLoss();
        trainer.run(Integer.MAX_VALUE);
        double after = trainer.validationLoss();
        assertThat(before).isBetween(Math.log(50257) - 0.3, Math.log(50257) + 0.3);
        assertThat(after).isLessThan(before - 1.0);
    }

    @Tag("exercise")
    @Test
    void theLossGapToTheUnigramModelIsARatioOfGeometricMeansNotAPerTokenFactor() throws IOException {
        trainer.run(Integer.MAX_VALUE);
        Dataset dataset = Dataset.open(data);
        double[] model = Main.modelLogProbabilities(trainer.model(), dataset, config);
        double[] unigram = Unigram.logProbabilities(dataset, Main.validationTargets(dataset, config), 50257);
        // The same tokens the trainer's validation loss scores: −mean ln p is that loss.
        assertThat(Main.crossEntropy(model)).isCloseTo(trainer.validationLoss(), within(1e-4));
        // e^(unigram − loss) is exp(mean of ln(p_model / p_unigram)): a ratio of geometric means ...
        double[] ratio = Main.logRatios(model, unigram);
        double meanLog = Arrays.stream(ratio).average().orElseThrow();
        assertThat(meanLog).isCloseTo(Main.crossEntropy(unigram) - Main.crossEntropy(model), within(1e-9));
        // ... while token by token the ratio spreads over orders of magnitude, on both sides of 1.
        assertThat(Arrays.stream(ratio).max().orElseThrow()).isGreaterThan(meanLog + 2);
        assertThat(Arrays.stream(ratio).min().orElseThrow()).isLessThan(meanLog - 2);
    }

    @Test
    void theGtx1070TiRecipeIsGpt2SmallWith256AccumulationSteps() {
        TrainConfig c = TrainConfig.gpt2On1070Ti();
        TrainConfig.Batch b = c.batch();
        assertThat(GradAccumulation.accumulationSteps(b.totalBatchTokens(), b.microBatch(), b.seqLen())).isEqualTo(256);
        assertThat(GPT.parameterCount(c.model().gpt())).isEqualTo(124_475_904L);
        assertThat(c.model().gpt().withVocabSize(50257)).isEqualTo(dev.descent.nn.gpt.GPTConfig.gpt2Small());
    }
}
