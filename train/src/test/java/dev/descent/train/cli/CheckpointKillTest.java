package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.train.loop.StepLog;
import dev.descent.train.loop.TrainFixtures;
import dev.descent.train.loop.TrainState;
import dev.descent.train.loop.Trainer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Kills {@code ./descent train} — a child JVM, with SIGKILL — while it writes checkpoints, again and again, and
 * resumes it each time; then finishes the run and compares it with one that was never interrupted. After every
 * kill a checkpoint must load (through the trainer's own resume), at the step of the last save known to have
 * completed or later; at the end weights and AdamW state must be bitwise identical and the losses equal.
 *
 * <p>A kill comes a random (seeded) time after the child prints a step's line, the moment its checkpoint save
 * begins, within one step's duration; it counts toward {@link #KILLS} when it hit a save (a
 * {@code checkpoint.tmp} or {@code checkpoint.prev} was left behind), and the test goes on until {@link #KILLS}
 * did. A tiny model with a checkpoint after every step spends most of its time saving.
 */
class CheckpointKillTest {
    private static final int KILLS = 12;
    private static final int STEPS = 100;
    private static final long SEED = 14;
    private static final Pattern STEP_LINE = Pattern.compile("^step +(\\d+) \\|");

    @TempDir
    Path dir;
    private Path data;

    @Test
    void killedWhileCheckpointingAgainAndAgainTheRunEndsBitwiseAsIfNeverInterrupted() throws Exception {
        data = TrainFixtures.learnableShards(dir, 32);
        Path reference = dir.resolve("reference");
        Process whole = start(reference, false);
        whole.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(whole.waitFor()).as(stderr(reference)).isZero();

        Path run = dir.resolve("run");
        Rng rng = new Rng(SEED);
        int duringSaves = 0;
        int kills = 0;
        int lost = 0;
        while (duringSaves < KILLS) {
            assertThat(kills).as("kills that missed every save (the steps outweigh the saves?)").isLessThan(4 * KILLS);
            boolean resume = Files.exists(run.resolve("checkpoint")) || Files.exists(run.resolve("checkpoint.prev"));
            int lastStep = killDuringASave(start(run, resume), 2 + rng.nextInt(2), rng);
            kills++;
            if (Files.exists(run.resolve("checkpoint.tmp")) || Files.exists(run.resolve("checkpoint.prev"))) {
                duringSaves++;
            }
            if (resumedStep(run) < lastStep) {
                lost++;
            }
        }
        Process rest = start(run, true);
        rest.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(rest.waitFor()).as(stderr(run)).isZero();

        for (String file : List.of("model.safetensors", "optimizer.safetensors")) {
            assertThat(Files.readAllBytes(run.resolve("checkpoint").resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(reference.resolve("checkpoint").resolve(file)));
        }
        assertThat(losses(run)).hasSize(STEPS).containsExactly(losses(reference));
        assertThat(lost).as("checkpoints lost").isZero();
        DocCounts.record("kills during checkpoint writes, each resumed", duringSaves);
        DocCounts.record("checkpoints lost", lost);
    }

    /**
     * Reads the child's step lines; a random time (within the last step's duration) after line {@code killAt},
     * when its checkpoint is being written, kills it. Returns the last step it printed: the save before that step
     * had completed.
     */
    private static int killDuringASave(Process child, int killAt, Rng rng) throws IOException, InterruptedException {
        List<Long> times = new ArrayList<>();
        int lastStep = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; times.size() < killAt && (line = lines.readLine()) != null; ) {
                Matcher m = STEP_LINE.matcher(line);
                if (m.find()) {
                    times.add(System.nanoTime());
                    lastStep = Integer.parseInt(m.group(1));
                }
            }
            assertThat(times).as("the child ran out of steps before it was killed").hasSize(killAt);
            long step = times.get(killAt - 1) - times.get(killAt - 2);
            LockSupport.parkNanos((long) (rng.nextDouble() * step));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return lastStep;
    }

    /** The step the run's checkpoint resumes at, through a full load by the trainer; fails if none loads. */
    private int resumedStep(Path run) throws IOException {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs(Cli.tinyRun(data, run, "--steps", String.valueOf(STEPS)).toArray(String[]::new));
        Trainer t = new Trainer(command.options.resolve(), Backends.cpu(), "cpu",
                new PrintStream(OutputStream.nullOutputStream()));
        t.resume(run.resolve("checkpoint"));
        return t.history().size();
    }

    /** {@code ./descent train} of the tiny run into {@code out}, a checkpoint after every step, in a new JVM. */
    private Process start(Path out, boolean resume) throws IOException {
        List<String> command = ChildDescent.command("256m", List.of("train", "--sample-tokens", "4"));
        command.addAll(Cli.tinyRun(data, out, "--steps", String.valueOf(STEPS), "--checkpoint-every", "1"));
        if (resume) {
            command.addAll(List.of("--resume", out.resolve("checkpoint").toString()));
        }
        Files.createDirectories(out);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                out.resolveSibling(out.getFileName() + ".stderr").toFile())).start();
    }

    private static String stderr(Path out) throws IOException {
        Path file = out.resolveSibling(out.getFileName() + ".stderr");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static double[] losses(Path out) throws IOException {
        TrainState state = new Gson().fromJson(Files.readString(out.resolve("checkpoint/trainer.json")),
                TrainState.class);
        return state.history().stream().mapToDouble(StepLog::loss).toArray();
    }
}
