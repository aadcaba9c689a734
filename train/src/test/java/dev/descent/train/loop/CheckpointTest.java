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
}
