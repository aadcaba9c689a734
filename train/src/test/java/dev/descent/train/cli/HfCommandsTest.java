package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.state.SafeTensors;
import dev.descent.nn.state.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-hf, export-hf and sample through the command line, as a user runs them. */
class HfCommandsTest {
    /** GPT-2's vocabulary, so that any prompt tokenizes into it; one small block. */
    private static final GPTConfig CONFIG = new GPTConfig(50257, 16, 1, 2, 8, 0f, false);

    @TempDir
    Path dir;

    private static Cli.Run run(String... args) {
        return Cli.descent(args);
    }

    /** A checkpoint as the trainer leaves it: weights without metadata, the shape in trainer.json's identity. */
    private Path trainedCheckpoint() throws IOException {
        Path checkpoint = Files.createDirectories(dir.resolve("trained"));
        GPT model = new GPT(CONFIG, new Rng(1));
        model.parameters().forEach(p -> p.copyFrom(Tensor.randn(new Rng(p.numel()), p.shape().dims()).mul(0.5f)));
        StateDict.save(model, checkpoint.resolve("model.safetensors"));
        Files.writeString(checkpoint.resolve("trainer.json"), "{\"nextStep\": 0, \"rngState\": 1, \"loaderEpoch\": 0, "
                + "\"loaderOffset\": 0, \"optimizerSteps\": {}, \"history\": [], \"identity\": {\"vocab\": \"50257\", "
                + "\"context\": \"16\", \"layers\": \"1\", \"heads\": \"2\", \"width\": \"8\", \"microBatch\": \"4\"}}");
        return checkpoint;
    }

    @Test
    void exportImportAndSampleFromTheImportedCheckpoint() throws IOException {
        Path trained = trainedCheckpoint();
        Path hf = dir.resolve("hf");
        Cli.Run export = run("export-hf", "--checkpoint", trained.toString(), "--out", hf.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("layers 1, heads 2, width 8, context 16, vocab 50257: 403,072 parameters");
        assertThat(hf.resolve("config.json")).exists();

        Path imported = dir.resolve("imported");
        Cli.Run importRun = run("import-hf", hf.toString(), "--out", imported.toString());
        assertThat(importRun.exitCode()).as(importRun.err()).isZero();
        Map<String, Tensor> before = SafeTensors.read(trained.resolve("model.safetensors")).tensors();
        SafeTensors.Contents after = SafeTensors.read(imported.resolve("model.safetensors"));
        assertThat(after.tensors().keySet()).containsExactlyElementsOf(before.keySet());
        before.forEach((name, t) -> assertThat(after.tensors().get(name).toArray()).as(name).containsExactly(t.toArray()));
        assertThat(GPTConfig.fromShapeMetadata(after.metadata(), "imported")).isEqualTo(CONFIG);

        String[] sample = {"sample", "--checkpoint", imported.toString(), "--prompt", "Call me Ishmael.", "--tokens", "6",
            "--temperature", "0"};
        Cli.Run cached = run(sample);
        assertThat(cached.exitCode()).as(cached.err()).isZero();
        assertThat(cached.out()).startsWith("Call me Ishmael.").hasSizeGreaterThan("Call me Ishmael.".length());
        assertThat(cached.err()).contains("6 tokens (KV cache, prompt 6 tokens)").contains("tokens/s");
        String[] uncached = java.util.Arrays.copyOf(sample, sample.length + 1);
        uncached[sample.length] = "--no-cache";
        Cli.Run full = run(uncached);
        assertThat(full.out()).isEqualTo(cached.out());
        assertThat(full.err()).contains("no cache");
    }

    @Test
    void badOptionsAndMissingFilesGiveOneLineNamingTheProblem() throws IOException {
        Path trained = trainedCheckpoint();
        Path nowhere = dir.resolve("nowhere");
        assertThat(run("sample", "--checkpoint", nowhere.toString()).err())
                .isEqualTo("descent: no checkpoint at " + nowhere + ": the directory does not exist; train one first "
                        + "(./descent train), import GPT-2 (./descent import-hf DIR --out " + nowhere + ") or name a "
                        + "checkpoint directory\n");
        Files.createDirectories(nowhere);
        assertThat(run("sample", "--checkpoint", nowhere.toString()).err()).contains("lacks model.safetensors");
        Cli.Run negative = run("sample", "--checkpoint", trained.toString(), "--tokens", "-5");
        assertThat(negative.exitCode()).isEqualTo(1);
        assertThat(negative.err()).isEqualTo("descent: --tokens -5: the number of tokens to generate must be 1 or more\n");
        assertThat(run("sample", "--checkpoint", trained.toString(), "--top-p", "1.5").err())
                .startsWith("descent: --top-p 1.5: must be in (0, 1]");
        assertThat(run("sample", "--checkpoint", trained.toString(), "--temperature", "-1").err())
                .startsWith("descent: --temperature -1.0: must be a number ≥ 0");

        assertThat(run("import-hf", dir.resolve("missing").toString(), "--out", dir.resolve("x").toString()).err())
                .startsWith("descent: " + dir.resolve("missing") + " is not a folder");
        assertThat(run("export-hf", "--checkpoint", trained.toString(), "--out", trained.toString()).err())
                .isEqualTo("descent: --out " + trained + " is not empty; name a new directory (nothing was written)\n");
    }
}
