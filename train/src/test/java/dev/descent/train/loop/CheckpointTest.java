package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Backends;
import dev.descent.train.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final int VOCAB = 32;

    @TempDir
    Path dir;
    private TrainConfig config;
    private Path checkpoint;

    @BeforeEach
    void trainThreeSteps() throws IOException {
        config = TrainFixtures.tiny(VOCAB, TrainFixtures.learnableShards(dir, VOCAB), dir.resolve("run"))
                .with("steps", 3);
        Trainer t = new Trainer(config, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
        t.run(Integer.MAX_VALUE);
        checkpoint = t.checkpointDir();
    }

    /** The one-line message reading trainer.json with {@code json} in it fails with. */
    private String readingFails(String json) throws IOException {
        Files.writeString(checkpoint.resolve(Checkpoint.STATE), json);
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> Checkpoint.readState(checkpoint));
        assertThat(error).isInstanceOf(IOException.class);
        assertThat(error.getMessage()).contains(checkpoint.resolve(Checkpoint.STATE).toString()).doesNotContain("\n");
        return error.getMessage();
    }

    @Test
    void aDamagedTrainerJsonIsNamedWithTheProblemAndTheFix() throws IOException {
        String good = Files.readString(checkpoint.resolve(Checkpoint.STATE));
        assertThat(readingFails("{}")).contains("lacks 'identity'").contains("start");
        assertThat(readingFails(good.substring(0, good.length() / 2))).contains("not valid JSON");
        assertThat(readingFails(good.replaceFirst("\"loaderOffset\": \\d+", "\"loaderOffset\": -128")))
                .contains("loaderOffset -128");
        assertThat(readingFails(good.replaceFirst("\"nextStep\": \\d+", "\"nextStep\": -1"))).contains("nextStep -1");
        assertThat(readingFails("")).contains("empty");
    }

    /** Copies the checkpoint directory {@code from} to {@code to}. */
    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : List.of(Checkpoint.STATE, Checkpoint.MODEL, Checkpoint.OPTIMIZER)) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * Lays out the run directory as a save finds it: a complete {@code .tmp} (the new checkpoint) beside
     * {@code start}: a checkpoint, only a {@code .prev} (an earlier save was interrupted between its renames),
     * both, or a damaged checkpoint (its optimizer state gone) beside a good {@code .prev}.
     */
    private void arrange(Path good, String start) throws IOException {
        Path prev = checkpoint.resolveSibling("checkpoint.prev");
        for (Path p : List.of(checkpoint, prev, checkpoint.resolveSibling("checkpoint.tmp"))) {
            delete(p);
        }
        copy(good, checkpoint.resolveSibling("checkpoint.tmp"));
        if (start.contains("dir")) {
            copy(good, checkpoint);
        }
        if (start.contains("prev")) {
            copy(good, prev);
        }
        if (start.startsWith("damaged")) {
            Files.delete(checkpoint.resolve(Checkpoint.OPTIMIZER));
        }
    }

    /**
     * A crash can stop a save after any step of its commit. From every state a save can begin in, and after every
     * prefix of its commit, a checkpoint must load (through the trainer's own resume).
     */
    @Test
    void aSaveStoppedAfterAnyCommitStepLeavesALoadableCheckpoint() throws IOException {
        Path good = dir.resolve("good");
        copy(checkpoint, good);
        for (String start : List.of("dir", "prev", "dir+prev", "damaged dir+prev")) {
            arrange(good, start);
            int steps = Checkpoint.commitSteps(checkpoint).size();
            for (int k = 0; k <= steps; k++) {
                arrange(good, start);
                List<Checkpoint.CommitStep> commit = Checkpoint.commitSteps(checkpoint);
                for (Checkpoint.CommitStep step : commit.subList(0, k)) {
                    step.action().run();
                }
                Trainer t = new Trainer(config, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
                String when = "starting from " + start + ", stopped after " + k + " of " + commit.stream()
                        .map(Checkpoint.CommitStep::name).toList();
                org.assertj.core.api.Assertions.assertThatCode(() -> t.resume(checkpoint)).as(when)
                        .doesNotThrowAnyException();
            }
        }
    }
}
