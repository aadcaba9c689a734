package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.train.TrainConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainOptionsTest {
    private static TrainConfig resolve(String... args) {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs(args);
        return command.options.resolve();
    }

    @Test
    void eachSettingIsAnOptionAndOverridesThePreset() {
        TrainConfig expected = TrainConfig.gpt2On1070Ti().with("width", 384).with("maxLr", 3e-4)
                .with("totalBatchTokens", 4096).with("dropout", 0.1f).with("out", Path.of("runs/x"))
                .with("vramLimit", "6g");
        assertThat(resolve("--preset", "gpt2-124m-1070ti", "--width", "384", "--lr", "3e-4", "--total-batch", "4096",
                "--dropout", "0.1", "--out", "runs/x", "--vram-limit", "6g")).isEqualTo(expected);
    }

    @Test
    void withoutOverridesThePresetIsUnchanged() {
        PlanCommand plan = new PlanCommand();
        new CommandLine(plan).parseArgs();
        assertThat(plan.options.resolve()).isEqualTo(TrainConfig.tinyCpu());
    }

    @Test
    void theDefaultRunIsTinyCpuOnTheEmbeddedBookInItsOwnBytePairTokens() {
        TrainConfig c = resolve();
        assertThat(c).isEqualTo(TrainConfig.tinyCpu());
        assertThat(c.run().tokenizer()).startsWith("bpe-");
        assertThat(c.run().data()).isEqualTo(Path.of("data", "moby-dick-" + c.run().tokenizer()));
    }

    @Test
    void aTokenizerBringsItsVocabularyAndEmbeddedDataDirectory() {
        TrainConfig c = resolve("--tokenizer", "bpe-1024");
        assertThat(c.model().vocab()).isEqualTo(1024);
        assertThat(c.run().data()).isEqualTo(Path.of("data", "moby-dick-bpe-1024"));
        TrainConfig gpt2 = resolve("--tokenizer", "gpt2", "--vocab", "50304");
        assertThat(gpt2.model().vocab()).isEqualTo(50304);
        assertThat(gpt2.run().data()).isEqualTo(Path.of("data", "moby-dick"));
        assertThat(resolve("--tokenizer", "bytes", "--data", "elsewhere").run().data()).isEqualTo(Path.of("elsewhere"));
    }

    @Test
    void theGpuPresetKeepsGpt2Tokens() {
        TrainConfig c = resolve("--preset", "gpt2-124m-1070ti");
        assertThat(c.run().tokenizer()).isEqualTo("gpt2");
        assertThat(c.run().data()).isEqualTo(Path.of("data", "moby-dick"));
    }
}
