package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.train.data.Corpora;
import dev.descent.train.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    /** A 1-block, width-16 model over a vocabulary of {@code vocab} ids, then {@code more} options. */
    private String[] tiny(String command, int vocab, String... more) {
        String[] base = {command, "--data", data.toString(), "--vocab", String.valueOf(vocab), "--context", "16", "--layers", "1",
                "--heads", "2", "--width", "16", "--micro-batch", "2", "--seq-len", "16", "--total-batch", "32",
                "--out", dir.resolve("run").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** Runs the command line, returning what it printed; standard output is captured so tests stay quiet. */
    private static String run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter errors = new StringWriter();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new DescentCli()).setErr(new PrintWriter(errors));
            cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
                cmd.getErr().println("descent: " + e.getMessage());
                return 1;
            });
            cli.execute(args);
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8) + errors;
    }

    @Test
    void trainReportsBitsPerCharacterAndSampleDecodesWithTheDatasetsTokenizer() throws IOException {
        String trained = run(tiny("train", 300, "--steps", "2", "--warmup", "1", "--eval-every", "1", "--eval-batches", "2",
                "--sample-tokens", "5"));
        assertThat(trained).containsPattern("the bar to clear: a unigram model .* = \\d\\.\\d\\d bits per character")
                .containsPattern("step +1 .* val \\d\\.\\d{4} = \\d\\.\\d\\d bits per character")
                .containsPattern("validation loss \\d\\.\\d{4} nats per token = \\d\\.\\d\\d bits per character")
                .contains("characters of bpe-300 text");
        assertThat(Files.readString(dir.resolve("run/summary.json")))
                .contains("\"tokenizer\": \"bpe-300\"", "\"validationBitsPerCharacter\"");
        assertThat(run(tiny("sample", 300, "--prompt", "Call me Ishmael.", "--tokens", "3"))).startsWith("Call me Ishmael.");
    }

    @Test
    void aModelVocabularyThatCannotHoldTheTokenizersIdsIsRefused() {
        String out = run(tiny("train", 256, "--steps", "2", "--warmup", "1"));
        assertThat(out).contains("bpe-300").contains("--vocab 300");
    }
}
