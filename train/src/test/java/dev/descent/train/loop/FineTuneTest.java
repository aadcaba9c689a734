package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Autograd;
import dev.descent.core.Backends;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.hf.HfGpt2;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.DataLoader;
import dev.descent.train.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning ({@link Trainer#initFrom}): a tiny GPT trained a few steps is the pretrained model; a new run starts
 * from its checkpoint, or from the same weights exported as a Hugging Face folder, with a fresh optimizer and
 * schedule.
 */
class FineTuneTest {
    private static final int VOCAB = 32;

    @TempDir
    Path dir;
    private Path data;
    private Path pretrained;
    private Path hfFolder;

    /** 15 steps of the tiny run (its checkpoint: the source), and the same weights as a Hugging Face folder. */
    @BeforeEach
    void pretrain() throws IOException {
        data = TrainFixtures.learnableShards(dir, VOCAB);
        Trainer t = trainer(TrainFixtures.tiny(VOCAB, data, dir.resolve("pretrain")).with("steps", 15));
        t.run(Integer.MAX_VALUE);
        pretrained = t.checkpointDir();
        hfFolder = dir.resolve("hf");
        HfGpt2.exportFolder(pretrained.resolve(Checkpoint.MODEL), t.model().config(), hfFolder);
    }

    private static Trainer trainer(TrainConfig config) {
        return new Trainer(config, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
    }

    /** The fine-tuning run: another seed, a smaller rate, 5 steps of 2 micro-batches, validation every 5. */
    private TrainConfig fineTune(String out) {
        return TrainFixtures.tiny(VOCAB, data, dir.resolve(out)).with("seed", 11).with("maxLr", 3e-3)
                .with("minLr", 3e-4).with("warmupSteps", 1).with("steps", 5).with("evalEvery", 5);
    }

    /** The mean loss of {@code model} over the first step's micro-batches of {@code config}'s training stream. */
    @SuppressWarnings("try")
    private static double firstStepLoss(GPT model, TrainConfig config) throws IOException {
        TrainConfig.Batch b = config.batch();
        DataLoader loader = new DataLoader(Dataset.open(config.run().data()).trainingShards(), b.microBatch(),
                b.seqLen(), config.run().seed(), VOCAB, DataLoader.Order.SHUFFLED);
        int micro = (int) (b.totalBatchTokens() / ((long) b.microBatch() * b.seqLen()));
        double sum = 0;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int k = 0; k < micro; k++) {
                DataLoader.Batch batch = loader.next();
                sum += model.loss(ids(batch.inputs(), batch), ids(batch.targets(), batch)).item();
            }
        }
        return sum / micro;
    }

    private static Tensor ids(int[] ids, DataLoader.Batch b) {
        float[] v = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            v[i] = ids[i];
        }
        return Tensor.fromArray(v, b.batch(), b.seqLen());
    }

    @Test
    void theFirstStepsLossIsTheSourceModelsLossOnTheSameBatchFromACheckpointAndFromAHuggingFaceFolder()
            throws IOException {
        GPT source = ModelCheckpoint.load(pretrained).value();
        double expected = firstStepLoss(source, fineTune("any"));
        for (Path from : List.of(pretrained, hfFolder)) {
            Trainer t = trainer(fineTune("run-" + from.getFileName()));
            InitSource init = InitSource.open(from);
            assertThat(init.format()).isEqualTo(from.equals(hfFolder) ? InitSource.Format.HUGGING_FACE
                    : InitSource.Format.CHECKPOINT);
            t.initFrom(init, m -> "");
            t.run(1);
            assertThat(t.history().get(0).loss()).as(from.toString()).isCloseTo(expected, within(1e-6 * expected));
        }
        Trainer scratch = trainer(fineTune("scratch"));
        scratch.run(1);
        assertThat(scratch.history().get(0).loss()).isGreaterThan(expected + 0.5);
    }

    @Test
    void theValidationLossIsMeasuredBeforeTheFirstStepAndFallsAfterIt() throws IOException {
        Trainer t = trainer(fineTune("run"));
        TrainState.InitFrom init = t.initFrom(InitSource.open(pretrained), m -> "sample of " + m.parameterCount());
        Trainer reference = trainer(fineTune("reference"));
        InitSource.open(hfFolder).loadInto(reference.model());
        assertThat(init.validationLossBefore()).isEqualTo(reference.validationLoss());
        assertThat(init.source()).isEqualTo(pretrained.toString());
        assertThat(init.format()).isEqualTo("a descent checkpoint");
        assertThat(init.sampleBefore()).isEqualTo("sample of " + t.model().parameterCount());
        t.run(Integer.MAX_VALUE);
        assertThat(t.history().get(4).valLoss()).isLessThan(init.validationLossBefore());
        assertThat(Checkpoint.readState(t.checkpointDir()).initFrom()).isEqualTo(init);
    }

    @Test
    void aFineTuningRunResumesBitwiseAndKeepsItsSource() throws IOException {
        Trainer whole = trainer(fineTune("whole"));
        whole.initFrom(InitSource.open(hfFolder), m -> "before");
        whole.run(Integer.MAX_VALUE);

        TrainConfig split = fineTune("split").with("checkpointEvery", 2);
        Trainer first = trainer(split);
        first.initFrom(InitSource.open(hfFolder), m -> "before");
        first.run(3);
        Trainer second = trainer(split);
        second.resume(first.checkpointDir());
        assertThat(second.initFrom()).isEqualTo(first.initFrom());
        assertThatThrownBy(() -> second.initFrom(InitSource.open(hfFolder), m -> ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("resumed");
        second.run(Integer.MAX_VALUE);
        assertThat(second.history().stream().mapToDouble(StepLog::loss).toArray())
                .containsExactly(whole.history().stream().mapToDouble(StepLog::loss).toArray());
    }

    @Test
    void sourcesThatCannotBeReadOrDoNotFitAreRefusedNamingThem() throws IOException {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> InitSource.open(missing)).isInstanceOf(IOException.class)
                .hasMessageContaining("--init-from " + missing + ": does not exist");
        Path file = Files.writeString(dir.resolve("weights.txt"), "x");
        assertThatThrownBy(() -> InitSource.open(file)).hasMessageContaining("is a file");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> InitSource.open(empty)).hasMessageContaining("lacks model.safetensors");
        Files.delete(hfFolder.resolve(HfGpt2.WEIGHTS));
        assertThatThrownBy(() -> InitSource.open(hfFolder)).hasMessageContaining(HfGpt2.WEIGHTS + " is missing");

        InitSource source = InitSource.open(pretrained);
        assertThat(source.shape()).isEqualTo(new GPTConfig(VOCAB, 16, 1, 2, 16, 0f, false));
        Trainer wider = trainer(fineTune("wider").with("width", 32));
        assertThatThrownBy(() -> source.loadInto(wider.model())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width=32").hasMessageContaining("width=16");
    }
}
