package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.train.TrainConfig;
import dev.descent.train.loop.TrainFixtures;
import dev.descent.train.plan.VramPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user types and what ./descent answers: exit status, the one-line error, the files it leaves. */
class CliTest {
    private static final String[] MODEL = {"--vocab", "32", "--context", "16", "--layers", "1", "--heads", "2",
            "--width", "16"};

    @TempDir
    Path dir;
    private Path data;
    private Path run;

    @BeforeEach
    void writeData() throws IOException {
        data = TrainFixtures.learnableShards(dir, 32);
        run = dir.resolve("run");
    }

    /** Fails unless the run failed with exit 1 and printed one line starting "descent: " holding {@code parts}. */
    private static void failsWithOneLine(Cli.Run r, String... parts) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("descent: ").contains(parts);
    }

    private static String[] sample(String... more) {
        String[] args = new String[1 + MODEL.length + more.length];
        args[0] = "sample";
        System.arraycopy(MODEL, 0, args, 1, MODEL.length);
        System.arraycopy(more, 0, args, 1 + MODEL.length, more.length);
        return args;
    }

    @Test
    void checkpointEveryZeroEndsWithACheckpointAndSaysSoTruthfully() {
        Cli.Run r = Cli.train(data, run, "--steps", "3", "--checkpoint-every", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("and the checkpoint " + run.resolve("checkpoint"));
        assertThat(run.resolve("checkpoint/model.safetensors")).exists();
    }

    @Test
    void trainingIntoAnExistingRunIsRefusedUnlessTheUserSaysToReplaceIt() throws IOException {
        assertThat(Cli.train(data, run, "--steps", "3").exitCode()).isZero();
        byte[] summary = Files.readAllBytes(run.resolve("summary.json"));
        byte[] weights = Files.readAllBytes(run.resolve("checkpoint/model.safetensors"));
        failsWithOneLine(Cli.train(data, run, "--steps", "3"), run + " already holds a run", "--resume",
                "--replace");
        assertThat(Files.readAllBytes(run.resolve("summary.json"))).isEqualTo(summary);
        assertThat(Files.readAllBytes(run.resolve("checkpoint/model.safetensors"))).isEqualTo(weights);
        Cli.Run replaced = Cli.train(data, run, "--steps", "4", "--replace");
        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        assertThat(Files.readString(run.resolve("summary.json"))).contains("\"steps\": 4");
    }

    @Test
    void aResumeKeepsTheRunsScheduleAndExtendingItIsExplicit() {
        assertThat(Cli.train(data, run, "--steps", "3").exitCode()).isZero();
        Path checkpoint = run.resolve("checkpoint");
        Cli.Run again = Cli.train(data, run, "--resume", checkpoint.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("at step 3 of 3").doesNotContain("step     3 |");
        failsWithOneLine(Cli.train(data, run, "--resume", checkpoint.toString(), "--steps", "5"),
                "--steps 5 differs from the run's 3", "--extend-to 5");
        Cli.Run longer = Cli.train(data, run, "--resume", checkpoint.toString(), "--extend-to", "5");
        assertThat(longer.exitCode()).as(longer.err()).isZero();
        assertThat(longer.out()).contains("extending the run from 3 to 5 steps", "step     4 |");
    }

    @Test
    void aRunOfAnotherLengthKeepsThePresetsWarmupShareAndSaysSo() {
        Cli.Run r = Cli.descent(Cli.trainArgsWithoutWarmup(data, run, "--steps", "2", "--warmup", "2"));
        failsWithOneLine(r, "--steps 2: must be greater than --warmup 2");
        TrainConfig.Optimization preset = TrainConfig.tinyCpu().optimization();
        Cli.Run fitted = Cli.descent(Cli.trainArgsWithoutWarmup(data, run, "--steps", "10"));
        assertThat(fitted.exitCode()).as(fitted.err()).isZero();
        long warmup = Math.max(1, Math.round(10.0 * preset.warmupSteps() / preset.steps()));
        assertThat(fitted.out()).contains("--steps 10: warming up over " + warmup + " step", "the preset's share ("
                + preset.warmupSteps() + " of its " + preset.steps() + " steps; --warmup sets it)");
    }

    @Test
    void sampleNamesWhatIsMissingAndRefusesImpossibleCounts() {
        Path missing = dir.resolve("nowhere");
        failsWithOneLine(Cli.descent(sample("--checkpoint", missing.toString())), missing.toString(),
                "does not exist", "./descent train");
        assertThat(Cli.train(data, run, "--steps", "3").exitCode()).isZero();
        String checkpoint = run.resolve("checkpoint").toString();
        failsWithOneLine(Cli.descent(sample("--checkpoint", checkpoint, "--tokens", "-5")), "--tokens -5");
        failsWithOneLine(Cli.descent(sample("--checkpoint", checkpoint, "--top-k", "-1")), "--top-k -1");
        failsWithOneLine(Cli.descent("plan", "--card", "0"), "--card 0");
    }

    @Test
    void sampleFallsBackToThePreviousCheckpointAndSaysSo() throws IOException {
        assertThat(Cli.train(data, run, "--steps", "3").exitCode()).isZero();
        Path checkpoint = run.resolve("checkpoint");
        Path prev = run.resolve("checkpoint.prev");
        Files.move(checkpoint, prev);
        Files.createDirectories(checkpoint);
        Files.write(checkpoint.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Cli.Run r = Cli.descent(sample("--checkpoint", checkpoint.toString(), "--tokens", "3"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains(checkpoint + " is unloadable", "too short", "sampling from " + prev);
    }

    /** plan: the time on a named card with where each figure comes from; a bare size is memory only. */
    @Test
    void planPrintsTheTimeOnACardAndSaysWhereEachFigureComesFrom() {
        Cli.Run r = Cli.descent("plan", "--preset", "gpt2-124m-1070ti", "--card", "1070ti");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("time on GeForce GTX 1070 Ti: fp32 peak 8.19 TFLOP/s, 256 GB/s, 8.0 GiB",
                "6N + 6·L·C·T = 6 x 124,475,904 + 6 x 12 x 768 x 1024 = 803.5 MFLOP", "19,073 steps",
                "728.1   160.7 days (23.0 weeks)", "PyTorch eager fp32: 52.1% MFU measured on H100",
                "No GeForce GTX 1070 Ti has been measured: these assume it reaches the MFU measured on the H100");
        Cli.Run h100 = Cli.descent("plan", "--preset", "gpt2-124m-1070ti", "--card", "h100");
        assertThat(h100.out()).contains("time on H100 SXM5 80GB").doesNotContain("has been measured");
        Cli.Run bare = Cli.descent("plan", "--card", "8g");
        assertThat(bare.out()).contains("time: not estimated: a bare memory size has no peak");
        failsWithOneLine(Cli.descent("plan", "--card", "1080"), "--card 1080: neither a card (1070ti, h100");
    }

    /**
     * plan --device cpu: a calibration of this CPU's matmuls, and the efficiency that turns it into steps; the heap
     * the run needs, 1.4 times the plan.
     */
    @Test
    void planOnTheCpuCalibratesItAndNamesTheHeapTheRunNeeds() {
        Cli.Run r = Cli.descent("plan", "--device", "cpu", "--vocab", "2048", "--width", "64", "--steps", "100");
        assertThat(r.exitCode()).as(r.err()).isZero();
        TrainConfig c = TrainConfig.tinyCpu().with("vocab", 2048).with("width", 64);
        long heapMib = (long) Math.ceil(1.4 * VramPlan.of(c.model().gpt(), c.batch().microBatch(), c.batch().seqLen(),
                VramPlan.Layout.FITTED).totalBytes() / 1048576.0);
        assertThat(r.out()).contains("/ 1.4 (the garbage collector needs the rest",
                "which needs 1.4 times the plan: JAVA_TOOL_OPTIONS=-Xmx" + heapMib + "m or more")
                .doesNotContain("On a GPU add");
        assertThat(r.out()).contains("time on this CPU (", "GFLOP/s just now", "descent on this CPU", "60.0%",
                "100 steps", "descent on the CPU reaches 60% of the calibrated matmul rate");
    }

    @Test
    void doctorSucceedsWhereTheCpuBackendIsReady() {
        Cli.Run r = Cli.descent("doctor");
        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(r.out()).contains("CPU backend: ready");
    }

    @Test
    void sampleAndPlanHelpListOnlyTheirOwnOptions() {
        String sampleHelp = Cli.descent("sample", "--help").out();
        assertThat(sampleHelp).contains("--checkpoint", "--top-k", "--width").doesNotContain("--lr", "--steps",
                "--eval-every", "--checkpoint-every", "--total-batch");
        String planHelp = Cli.descent("plan", "--help").out();
        assertThat(planHelp).contains("--card", "--micro-batch", "--width", "--steps", "--device")
                .doesNotContain("--lr", "--checkpoint-every", "--data");
    }
}
