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
    void theDefaultRunIsTinyCpuOnTheEmbeddedBookInItsOwnBytePairTokens() {
        TrainConfig c = resolve();
        assertThat(c).isEqualTo(TrainConfig.tinyCpu());
        assertThat(c.tokenizer()).startsWith("bpe-");
        assertThat(c.data()).isEqualTo(Path.of("data", "moby-dick-" + c.tokenizer()));
    }

    @Test
    void aTokenizerBringsItsVocabularyAndEmbeddedDataDirectory() {
        TrainConfig c = resolve("--tokenizer", "bpe-1024");
        assertThat(c.vocab()).isEqualTo(1024);
        assertThat(c.data()).isEqualTo(Path.of("data", "moby-dick-bpe-1024"));
        TrainConfig gpt2 = resolve("--tokenizer", "gpt2", "--vocab", "50304");
        assertThat(gpt2.vocab()).isEqualTo(50304);
        assertThat(gpt2.data()).isEqualTo(Path.of("data", "moby-dick"));
        assertThat(resolve("--tokenizer", "bytes", "--data", "elsewhere").data()).isEqualTo(Path.of("elsewhere"));
    }

    @Test
    void theGpuPresetKeepsGpt2Tokens() {
        TrainConfig c = resolve("--preset", "gpt2-124m-1070ti");
        assertThat(c.tokenizer()).isEqualTo("gpt2");
        assertThat(c.data()).isEqualTo(Path.of("data", "moby-dick"));
    }
}
