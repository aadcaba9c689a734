package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.train.TrainConfig;
import dev.descent.train.loop.TrainFixtures;
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
    void aShortRunFitsThePresetsWarmupAndSaysSo() {
        Cli.Run r = Cli.descent(Cli.trainArgsWithoutWarmup(data, run, "--steps", "2", "--warmup", "2"));
        failsWithOneLine(r, "--steps 2: must be greater than --warmup 2");
        Cli.Run fitted = Cli.descent(Cli.trainArgsWithoutWarmup(data, run, "--steps", "10"));
        assertThat(fitted.exitCode()).as(fitted.err()).isZero();
        assertThat(fitted.out()).contains("--steps 10 is not above the preset's warmup of "
                + TrainConfig.tinyCpu().optimization().warmupSteps() + " steps: warming up over 1 step");
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
        assertThat(planHelp).contains("--card", "--micro-batch", "--width").doesNotContain("--lr", "--steps",
                "--checkpoint-every", "--data");
    }
}
