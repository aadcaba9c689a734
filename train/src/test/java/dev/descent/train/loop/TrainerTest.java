package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Backends;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.TextSpan;
import dev.descent.train.plan.VramPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final int VOCAB = 32;

    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void writeData() throws IOException {
        data = TrainFixtures.learnableShards(dir, VOCAB);
    }

    private TrainConfig config(int steps, Path out) {
        return new TrainConfig("test", VOCAB, 16, 1, 2, 16, 0f, 4, 16, 128, steps, 1e-2, 1e-3, 2, 0.1, 0.9, 0.95,
                1e-8, 1.0, 0, 4, 3, 5, "gpt2", data, out, "cpu", "");
    }

    private Trainer trainer(TrainConfig config) {
        return new Trainer(config, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
    }

    private static double[] losses(List<StepLog> history) {
        return history.stream().mapToDouble(StepLog::loss).toArray();
    }

    /**
     * The planner's FITTED figure is what a run holds: two optimizer steps of two micro-batches on the CPU, whose
     * ledger counts every tensor made and not yet released, as a device's allocator would (without its rounding).
     */
    @Test
    void measuredPeakMemoryMatchesThePlannersFittedLayout() throws IOException {
        TrainConfig c = TrainFixtures.memoryCheck(data, dir.resolve("run"), "cpu");
        Trainer t = trainer(c);
        t.run(Integer.MAX_VALUE);
        long planned = VramPlan.of(c.model(), c.microBatch(), c.seqLen(), VramPlan.Layout.FITTED).totalBytes();
        assertThat((double) t.peakMemoryBytes() / planned).isBetween(0.97, 1.03);
    }

    @Test
    void lossFallsOverAShortRun() throws IOException {
        Trainer t = trainer(config(30, dir.resolve("run")));
        double before = t.validationLoss();
        t.run(Integer.MAX_VALUE);
        double after = t.validationLoss();
        assertThat(before).isGreaterThan(Math.log(VOCAB) - 0.5);
        assertThat(after).isLessThan(before - 1.0);
    }

    /**
     * The fixture's ids are below 32, and GPT-2's ids 0..31 are the single characters ! " # .. @ (shards without
     * a tokenizer file read as GPT-2): here every token is one character, so bits per character = nats / ln 2.
     * Asking for more validation batches than the shard holds scores the whole shard once.
     */
    @Test
    void validationIsAlsoInBitsPerCharacterOfTheTextItScores() throws IOException {
        TrainConfig c = new TrainConfig("test", VOCAB, 16, 1, 2, 16, 0f, 4, 16, 128, 2, 1e-2, 1e-3, 1, 0.1, 0.9, 0.95,
                1e-8, 1.0, 2, 1000, 0, 5, "gpt2", data, dir.resolve("run"), "cpu", "");
        Trainer t = trainer(c);
        t.run(Integer.MAX_VALUE);
        StepLog last = t.history().get(1);
        assertThat(last.valBitsPerCharacter()).isCloseTo(last.valLoss() / Math.log(2), within(1e-12));
        assertThat(t.validationSpan()).isEqualTo(new TextSpan(640, 640));
    }

    @Test
    void anInterruptedAndResumedRunIsBitwiseIdenticalToAnUninterruptedOne() throws IOException {
        Trainer whole = trainer(config(8, dir.resolve("whole")));
        whole.run(Integer.MAX_VALUE);

        TrainConfig split = config(8, dir.resolve("split"));
        Trainer first = trainer(split);
        first.run(5);
        Trainer second = trainer(split);
        second.resume(first.checkpointDir());
        second.run(Integer.MAX_VALUE);

        assertThat(losses(second.history())).containsExactly(losses(whole.history()));
        assertThat(second.history().stream().mapToDouble(StepLog::gradNorm).toArray())
                .containsExactly(whole.history().stream().mapToDouble(StepLog::gradNorm).toArray());
    }

    @Test
    void resumingWithADifferentModelIsRefusedNamingTheFields() throws IOException {
        TrainConfig c = config(3, dir.resolve("run"));
        trainer(c).run(Integer.MAX_VALUE);
        TrainConfig wider = new TrainConfig("test", VOCAB, 16, 1, 2, 32, 0f, 4, 16, 128, 3, 1e-2, 1e-3, 2, 0.1, 0.9,
                0.95, 1e-8, 1.0, 0, 4, 3, 5, "gpt2", data, dir.resolve("run"), "cpu", "");
        Trainer t = trainer(wider);
        assertThatThrownBy(() -> t.resume(dir.resolve("run").resolve("checkpoint")))
                .hasMessageContaining("width (checkpoint 16, now 32)");
    }

    @Test
    void aNonFiniteLossStopsWithTheStepNumberAndKeepsTheLastGoodCheckpoint() throws IOException {
        TrainConfig c = new TrainConfig("test", VOCAB, 16, 1, 2, 16, 0f, 4, 16, 128, 20, 1e38, 1e38, 1, 0, 0.9, 0.95,
                1e-8, 1e9, 0, 4, 1, 5, "gpt2", data, dir.resolve("run"), "cpu", "");
        Trainer t = trainer(c);
        assertThatThrownBy(() -> t.run(Integer.MAX_VALUE)).isInstanceOf(Trainer.NonFiniteException.class)
                .hasMessageContaining("step ").hasMessageContaining("last good checkpoint");
        TrainState saved = Checkpoint.readState(t.checkpointDir());
        assertThat(saved.history()).allSatisfy(s -> assertThat(s.loss()).isFinite());
        assertThat(saved.nextStep()).isEqualTo(saved.history().size());
    }

    @Test
    void writesALossCurveAndASummary() throws IOException {
        Trainer t = trainer(config(3, dir.resolve("run")));
        t.run(Integer.MAX_VALUE);
        RunReport.write(dir.resolve("run"), t.history(), "test", 3.0, 0.5, java.util.Map.of("preset", "test"));
        byte[] png = Files.readAllBytes(dir.resolve("run/loss.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(Files.readString(dir.resolve("run/summary.json"))).contains("\"finalTrainLoss\"", "\"preset\": \"test\"");
    }
}
