package dev.descent.lessons.tinygpt;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyGptTest {
    @TempDir
    Path dir;

    @Test
    void aFewStepsOnMobyDickLowerTheValidationLossFromUniform() throws IOException {
        Path data = dir.resolve("data");
        Dataset.write(data, Corpora.mobyDickChapters().subList(0, 12), 0.1, 1 << 14, new GptTokenizer());
        TrainConfig c = new TrainConfig("lesson", 50257, 32, 1, 2, 32, 0f, 4, 32, 256, 8, 1e-2, 1e-3, 2, 0.1, 0.9,
                0.95, 1e-8, 1.0, 0, 4, 0, 1337, "gpt2", data, dir.resolve("run"), "cpu", "");
        Trainer t = new Trainer(c, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
        double before = t.validationLoss();
        t.run(Integer.MAX_VALUE);
        double after = t.validationLoss();
        assertThat(before).isBetween(Math.log(50257) - 0.3, Math.log(50257) + 0.3);
        assertThat(after).isLessThan(before - 1.0);
    }

    @Test
    void theGtx1070TiRecipeIsGpt2SmallWith256AccumulationSteps() {
        TrainConfig c = TrainConfig.gpt2On1070Ti();
        assertThat(GradAccumulation.accumulationSteps(c.totalBatchTokens(), c.microBatch(), c.seqLen())).isEqualTo(256);
        assertThat(GPT.parameterCount(c.model())).isEqualTo(124_475_904L);
        assertThat(c.model().withVocabSize(50257)).isEqualTo(dev.descent.nn.gpt.GPTConfig.gpt2Small());
    }
}
