package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Corpora;
import dev.descent.train.data.Dataset;
import dev.descent.train.loop.TrainFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --init-from} as a user runs it: from a checkpoint or a Hugging Face folder, resumed, refused. */
class FineTuneCommandTest {
    @TempDir
    Path dir;
    private Path data;
    private Path pretrained;

    /** A tiny run of 12 steps: its checkpoint is the pretrained model. */
    @BeforeEach
    void pretrain() throws IOException {
        data = TrainFixtures.learnableShards(dir, 32);
        Cli.Run r = Cli.train(data, dir.resolve("pretrain"), "--steps", "12");
        assertThat(r.exitCode()).as(r.err()).isZero();
        pretrained = dir.resolve("pretrain/checkpoint");
    }

    /**
     * {@code train} of the tiny-cpu preset with only the batch, schedule and paths given: the model's shape comes
     * from the weights.
     */
    private Cli.Run fineTune(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--sample-tokens", "4", "--micro-batch", "4", "--seq-len",
                "16", "--total-batch", "128", "--steps", "4", "--warmup", "1", "--lr", "3e-3", "--min-lr", "3e-4",
                "--eval-every", "2", "--eval-batches", "2", "--data", data.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        return Cli.descent(args.toArray(String[]::new));
    }

    private static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void aRunFromACheckpointReportsTheValidationLossAndSampleBeforeAndAfter() throws IOException {
        Path run = dir.resolve("run");
        Cli.Run r = fineTune(run, "--init-from", pretrained.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("initialised from " + pretrained + " (a descent checkpoint): validation loss",
                "before the first step (the weights of " + pretrained + "): validation loss", "sample before",
                "sample after");
        JsonObject summary = json(run.resolve("summary.json"));
        JsonObject init = summary.getAsJsonObject("initFrom");
        assertThat(init.get("source").getAsString()).isEqualTo(pretrained.toString());
        double before = init.get("validationLossBefore").getAsDouble();
        assertThat(summary.get("validationLoss").getAsDouble()).isLessThan(before);
        assertThat(init.get("sampleBefore").getAsString()).isNotEmpty();
        assertThat(json(run.resolve("checkpoint/trainer.json")).getAsJsonObject("initFrom")).isEqualTo(init);

        Cli.Run resumed = fineTune(run, "--resume", run.resolve("checkpoint").toString(), "--extend-to", "6");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("at step 4 of 4", "step     5 |", "sample before", "sample after");
        assertThat(json(run.resolve("summary.json")).getAsJsonObject("initFrom")).isEqualTo(init);
    }

    @Test
    void aRunFromAHuggingFaceFolderStartsFromTheSameWeights() throws IOException {
        Path hf = dir.resolve("hf");
        assertThat(Cli.descent("export-hf", "--checkpoint", pretrained.toString(), "--out", hf.toString()).exitCode())
                .isZero();
        Cli.Run fromHf = fineTune(dir.resolve("from-hf"), "--init-from", hf.toString());
        assertThat(fromHf.exitCode()).as(fromHf.err()).isZero();
        assertThat(fromHf.out()).contains("(a Hugging Face GPT-2 folder)");
        Cli.Run fromCheckpoint = fineTune(dir.resolve("from-checkpoint"), "--init-from", pretrained.toString());
        assertThat(fromCheckpoint.exitCode()).isZero();
        assertThat(losses(dir.resolve("from-hf"))).hasSize(4).containsExactly(losses(dir.resolve("from-checkpoint")));
    }

    @Test
    void optionsThatContradictTheWeightsOrTheRunAreRefusedNamingThem() {
        Path run = dir.resolve("run");
        String from = pretrained.toString();
        failsWith(fineTune(run, "--init-from", from, "--width", "32"), "descent: --width 32 differs from "
                + "--init-from's 16: a run from --init-from takes the model's shape from its weights; drop --width");
        failsWith(Cli.descent("train", "--init-from", from, "--micro-batch", "2", "--seq-len", "32", "--total-batch",
                "64", "--data", data.toString(), "--out", run.toString()),
                "descent: --seq-len 32 is longer than the model's context of 16 positions: lower --seq-len");
        failsWith(fineTune(run, "--init-from", from, "--resume", from), "descent: --init-from starts a new run from a "
                + "model's weights and --resume continues a run: give one of them");
        Path nowhere = dir.resolve("nowhere");
        failsWith(fineTune(run, "--init-from", nowhere.toString()), "descent: --init-from " + nowhere
                + ": does not exist; name a checkpoint directory");
        failsWith(fineTune(run, "--preset", TrainConfig.GPT2_FINETUNE), "descent: the preset gpt2-124m-finetune "
                + "fine-tunes GPT-2: add --init-from <dir>");
        assertThat(run).doesNotExist();
    }

    /** Weights of a byte-pair vocabulary read GPT-2 tokens as other words: the run is refused before any step. */
    @Test
    void dataInOtherTokensThanTheWeightsIsRefused() throws IOException {
        Path bpe = dir.resolve("bpe");
        Dataset.prepare(bpe, Corpora.mobyDickChapters().subList(0, 4), 0.2, 1 << 14, "bpe-300");
        Path bpeRun = dir.resolve("bpe-run");
        Cli.Run pre = Cli.descent("train", "--data", bpe.toString(), "--vocab", "300", "--context", "16", "--layers", "1",
                "--heads", "2", "--width", "16", "--micro-batch", "2", "--seq-len", "16", "--total-batch", "32",
                "--steps", "2", "--warmup", "1", "--eval-every", "0", "--sample-tokens", "2", "--out", bpeRun.toString());
        assertThat(pre.exitCode()).as(pre.err()).isZero();
        Path from = bpeRun.resolve("checkpoint");
        Path run = dir.resolve("run");
        failsWith(fineTune(run, "--init-from", from.toString()), "descent: --init-from " + from + " holds a model of "
                + "bpe-300 tokens, but the dataset " + data + " is in gpt2 tokens: train it on data in its own tokens");
        assertThat(run.resolve("checkpoint")).doesNotExist();
    }

    private static double[] losses(Path run) throws IOException {
        JsonArray history = json(run.resolve("summary.json")).getAsJsonArray("history");
        double[] losses = new double[history.size()];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = history.get(i).getAsJsonObject().get("loss").getAsDouble();
        }
        return losses;
    }

    private static void failsWith(Cli.Run r, String start) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith(start);
    }
}
