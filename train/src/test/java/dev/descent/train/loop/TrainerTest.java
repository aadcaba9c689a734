package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.state.StateDict;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
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

    /** A 1-block, width-16 GPT over the learnable shards, 2 micro-batches of 4 × 16 a step, checkpoints every 3. */
    private TrainConfig config(int steps, Path out) {
        return TrainFixtures.tiny(VOCAB, data, out).with("steps", steps).with("checkpointEvery", 3);
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
        TrainConfig.Batch b = c.batch();
        long planned = VramPlan.of(c.model().gpt(), b.microBatch(), b.seqLen(), VramPlan.Layout.FITTED).totalBytes();
        assertThat((double) t.peakMemoryBytes() / planned).isBetween(0.97, 1.03);
    }

    /** A resumed run holds what a fresh one does: what a load reads is released once copied in. */
    @Test
    void aResumedRunHoldsNoMoreMemoryThanTheFittedLayout() throws IOException {
        TrainConfig c = TrainFixtures.memoryCheck(data, dir.resolve("run"), "cpu");
        trainer(c).run(1);
        Trainer resumed = trainer(c);
        resumed.resume(dir.resolve("run/checkpoint"));
        resumed.run(Integer.MAX_VALUE);
        TrainConfig.Batch b = c.batch();
        long planned = VramPlan.of(c.model().gpt(), b.microBatch(), b.seqLen(), VramPlan.Layout.FITTED).totalBytes();
        assertThat((double) resumed.peakMemoryBytes() / planned).isBetween(0.97, 1.03);
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
        Trainer t = trainer(config(2, dir.resolve("run")).with("warmupSteps", 1).with("evalEvery", 2)
                .with("evalBatches", 1000).with("checkpointEvery", 0));
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
        TrainConfig wider = c.with("width", 32);
        Trainer t = trainer(wider);
        assertThatThrownBy(() -> t.resume(dir.resolve("run").resolve("checkpoint")))
                .hasMessageContaining("width (checkpoint 16, now 32)");
    }

    @Test
    void aNonFiniteLossStopsWithTheStepNumberAndKeepsTheLastGoodCheckpoint() throws IOException {
        Trainer t = trainer(config(6, dir.resolve("run")).with("checkpointEvery", 1));
        t.run(2);
        for (Tensor p : t.model().parameters()) {
            p.copyFrom(p.mul(Float.NaN));
        }
        assertThatThrownBy(() -> t.run(Integer.MAX_VALUE)).isInstanceOf(Trainer.NonFiniteException.class)
                .hasMessageContaining("step 2: loss NaN").hasMessageContaining("last good checkpoint")
                .hasMessageContaining("(step 2)");
        TrainState saved = Checkpoint.readState(t.checkpointDir());
        assertThat(saved.history()).allSatisfy(s -> assertThat(s.loss()).isFinite());
        assertThat(saved.nextStep()).isEqualTo(2);
    }

    /** 1e39 is finite as a double and infinite as the float32 the kernels use; 1e30 leaves finite garbage. */
    @Test
    void learningRatesThatOverflowFloat32OrAreAbsurdAreRefusedNamingTheOption() {
        TrainConfig c = config(6, dir.resolve("run"));
        assertThatThrownBy(() -> trainer(c.with("maxLr", 1e39).with("minLr", 0)))
                .hasMessageContaining("--lr 1.0E39: is not a usable peak learning rate");
        assertThatThrownBy(() -> trainer(c.with("maxLr", 1e30).with("minLr", 0))).hasMessageContaining("--lr 1.0E30");
        assertThatThrownBy(() -> trainer(c.with("minLr", 1.0))).hasMessageContaining("--min-lr 1.0: must be between 0");
    }

    @Test
    void checkpointEveryZeroWritesOneCheckpointAtTheEnd() throws IOException {
        Trainer t = trainer(config(3, dir.resolve("run")).with("checkpointEvery", 0));
        t.run(Integer.MAX_VALUE);
        assertThat(Checkpoint.readState(t.checkpointDir()).nextStep()).isEqualTo(3);
    }

    /**
     * Rows 16..31 of the position embedding are never used at sequence length 16, so NaN there leaves loss and
     * gradient norm finite: only a look at the parameters after the update can keep it out of a checkpoint.
     */
    @Test
    void aCheckpointIsNeverWrittenFromNonFiniteParametersAndTheGuardNamesStepAndParameter() throws IOException {
        TrainConfig c = config(6, dir.resolve("run")).with(new TrainConfig.Model(VOCAB, 32, 1, 2, 16, 0f))
                .with("checkpointEvery", 1);
        Trainer t = trainer(c);
        t.run(2);
        String wpe = t.model().stateDict().keySet().stream().filter(k -> k.endsWith("wpe.weight")).findFirst().orElseThrow();
        Tensor table = t.model().stateDict().get(wpe);
        float[] poisoned = table.toArray();
        poisoned[20 * 16 + 3] = Float.NaN;
        table.copyFrom(Tensor.fromArray(poisoned, table.shape().dims()));
        assertThatThrownBy(() -> t.run(Integer.MAX_VALUE)).isInstanceOf(Trainer.NonFiniteException.class)
                .hasMessageContaining("step 2").hasMessageContaining(wpe).hasMessageContaining("step 2)");
        assertThat(Checkpoint.readState(t.checkpointDir()).nextStep()).isEqualTo(2);
        GPT fresh = new GPT(c.model().gpt(), new Rng(1));
        StateDict.load(fresh, t.checkpointDir().resolve(Checkpoint.MODEL));
        for (Tensor p : fresh.parameters()) {
            for (float v : p.toArray()) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void aResumeKeepsTheRunsOwnScheduleAndRefusesAnotherOne() throws IOException {
        TrainConfig run = config(8, dir.resolve("run"));
        trainer(run).run(5);
        Trainer longer = trainer(run.with("steps", 20));
        assertThatThrownBy(() -> longer.resume(dir.resolve("run/checkpoint")))
                .hasMessageContaining("steps (checkpoint 8, now 20)").hasMessageContaining("--extend-to");
    }

    /**
     * Lengthening a run is explicit and visible: from the step it is at, the rate decays by a cosine from where it was
     * to the floor at the new end, the key points are printed, and a later resume keeps the extension: bitwise the
     * same as extending and running on without a stop.
     */
    @Test
    void extendingARunContinuesItsRateAndAResumeKeepsTheExtension() throws IOException {
        TrainConfig a = config(8, dir.resolve("a"));
        trainer(a).run(5);
        Trainer extended = trainer(a);
        extended.resume(dir.resolve("a/checkpoint"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Trainer shown = new Trainer(a, Backends.cpu(), "cpu", new PrintStream(printed));
        shown.resume(dir.resolve("a/checkpoint"));
        shown.extendTo(12);
        assertThat(printed.toString()).contains("extending the run from 8 to 12 steps", "at step 5 (where it is)",
                "at step 11 (the end)");
        extended.extendTo(12);
        extended.run(3);
        Trainer resumed = trainer(a);
        resumed.resume(dir.resolve("a/checkpoint"));
        resumed.run(Integer.MAX_VALUE);

        TrainConfig b = config(8, dir.resolve("b"));
        Trainer original = trainer(b);
        original.run(5);
        Trainer straight = trainer(b);
        straight.resume(dir.resolve("b/checkpoint"));
        straight.extendTo(12);
        straight.run(Integer.MAX_VALUE);

        assertThat(losses(resumed.history())).containsExactly(losses(straight.history()));
        double[] lr = resumed.history().stream().mapToDouble(StepLog::lr).toArray();
        assertThat(lr).hasSize(12);
        assertThat(lr[5]).isEqualTo(original.lr(5));
        // minLr + (lr(5) − minLr)·½(1 + cos(π·(11 − 5)/(12 − 5))): the floor 1e-3 is reached at step 12, as in the
        // base schedule, whose cosine ends at step T = steps
        assertThat(lr[11]).isCloseTo(1e-3 + (lr[5] - 1e-3) * 0.5 * (1 + Math.cos(Math.PI * 6 / 7)),
                org.assertj.core.data.Offset.offset(1e-15));
        for (int s = 6; s < 12; s++) {
            assertThat(lr[s]).isLessThan(lr[s - 1]);
        }
        assertThatThrownBy(() -> resumed.extendTo(12)).hasMessageContaining("--extend-to 12 must be more than the "
                + "run's 12 steps");
    }

    /** A token id the model has no embedding for is found when the shard is opened, not steps into training. */
    @Test
    void aShardWithATokenIdOutsideTheVocabularyIsRefusedWhenOpenedNamingFileAndOffset() throws IOException {
        Path shard = data.resolve(Dataset.shardName(3));
        int[] tokens = Shard.read(shard);
        tokens[650] = VOCAB + 8;
        Shard.write(shard, tokens);
        Trainer t = trainer(config(3, dir.resolve("run")));
        assertThatThrownBy(() -> t.run(1)).hasMessageContaining(shard.toString())
                .hasMessageContaining("token id 40 at token 650").hasMessageContaining("vocabulary of 32");
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
