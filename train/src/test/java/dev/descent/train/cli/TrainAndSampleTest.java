package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.train.data.Corpora;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} then {@code sample} on a byte-pair dataset: both read the model's ids with its tokenizer. */
class TrainAndSampleTest {
    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void prepare() throws IOException {
        data = dir.resolve("data");
        Dataset.prepare(data, Corpora.mobyDickChapters().subList(0, 4), 0.2, 1 << 14, "bpe-300");
    }

    /** {@code train} of a 1-block, width-16 model over a vocabulary of {@code vocab} ids, then {@code more} options. */
    private Cli.Run train(int vocab, String... more) {
        String[] base = {"train", "--data", data.toString(), "--vocab", String.valueOf(vocab), "--context", "16",
                "--layers", "1", "--heads", "2", "--width", "16", "--micro-batch", "2", "--seq-len", "16",
                "--total-batch", "32", "--out", dir.resolve("run").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return Cli.descent(all);
    }

    /** The checkpoint carries the dataset's tokenizer, so sampling needs the checkpoint alone. */
    @Test
    void trainReportsBitsPerCharacterAndSampleDecodesWithTheDatasetsTokenizer() throws IOException {
        Cli.Run trained = train(300, "--steps", "2", "--warmup", "1", "--eval-every", "1", "--eval-batches", "2",
                "--sample-tokens", "5");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).containsPattern("the bar to clear: a unigram model .* = \\d\\.\\d\\d bits per character")
                .containsPattern("step +1 .* val \\d\\.\\d{4} = \\d\\.\\d\\d bits per character")
                .containsPattern("validation loss \\d\\.\\d{4} nats per token = \\d\\.\\d\\d bits per character")
                .contains("characters of bpe-300 text");
        assertThat(Files.readString(dir.resolve("run/summary.json")))
                .contains("\"tokenizer\": \"bpe-300\"", "\"validationBitsPerCharacter\"");
        Path checkpoint = dir.resolve("run/checkpoint");
        assertThat(checkpoint.resolve(Tokenizer.FILE)).hasSameTextualContentAs(data.resolve(Tokenizer.FILE));

        try (var files = Files.list(data)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Cli.Run sampled = Cli.descent("sample", "--checkpoint", checkpoint.toString(), "--prompt", "Call me Ishmael.",
                "--tokens", "3");
        assertThat(sampled.exitCode()).as(sampled.err()).isZero();
        assertThat(sampled.out()).startsWith("Call me Ishmael.");
    }

    @Test
    void aModelVocabularyThatCannotHoldTheTokenizersIdsIsRefused() {
        Cli.Run r = train(256, "--steps", "2", "--warmup", "1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("bpe-300").contains("--vocab 300");
    }
}
