package dev.descent.train.loop;

import dev.descent.core.Autograd;
import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.optim.AdamW;
import dev.descent.optim.GradAccumulation;
import dev.descent.optim.GradClip;
import dev.descent.optim.LrSchedule;
import dev.descent.optim.OptimizerState;
import dev.descent.optim.ParamGroup;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.DataLoader;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import dev.descent.train.data.TextSpan;
import dev.descent.train.data.Tokenizer;
import dev.descent.train.data.Tokenizers;
import dev.descent.train.plan.VramPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The training loop of the main job. Each optimizer step: zero the gradients; for each of the N micro-batches
 * run forward and cross-entropy and backward with the loss scaled by 1/N; clip the global gradient norm; set the
 * scheduled learning rate; AdamW step; log. Every {@code evalEvery} steps the validation loss, every
 * {@code checkpointEvery} steps (and at the end) a checkpoint. A non-finite loss or gradient norm stops the run
 * with the step number, leaving the last good checkpoint in place.
 */
public final class Trainer {
    private final TrainConfig config;
    private final Backend backend;
    private final PrintStream out;
    private final Rng rng;
    private final GPT model;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final int accumulation;
    private final double flopsPerToken;
    private final String deviceName;
    private final List<StepLog> history = new ArrayList<>();
    private DataLoader train;
    private DataLoader validation;
    private Tokenizer tokenizer;
    /** Micro-batches per validation loss: the configured number, at most the validation shard's. */
    private int evalBatches;
    /** The target tokens a validation loss averages over. */
    private int[] evaluatedTargets;
    /** Those tokens and the characters they spell. */
    private TextSpan evaluated;
    private int nextStep;
    /** Bytes the backend held before this trainer made anything (other work on the device or thread). */
    private final long memoryBaseline;

    /** A non-finite loss or gradient norm. */
    public static final class NonFiniteException extends RuntimeException {
        NonFiniteException(String message) {
            super(message);
        }
    }

    public Trainer(TrainConfig config, Backend backend, String deviceName, PrintStream out) {
        this.config = config;
        this.backend = backend;
        this.deviceName = deviceName;
        this.out = out;
        this.rng = new Rng(config.seed());
        this.memoryBaseline = backend.memory().liveBytes();
        this.model = build(config, rng, backend);
        this.optimizer = new AdamW(decayGroups(model), config.maxLr(), config.beta1(), config.beta2(), config.eps(),
                config.weightDecay(), false);
        this.schedule = LrSchedule.warmupCosine(config.maxLr(), config.minLr(), config.warmupSteps(), config.steps());
        this.accumulation = GradAccumulation.accumulationSteps(config.totalBatchTokens(), config.microBatch(),
                config.seqLen());
        this.flopsPerToken = Mfu.flopsPerToken(model.parameterCount(), config.layers(), config.width(), config.seqLen());
    }

    /** The model, with the temporaries of its initialisation released: only the parameters stay on the device. */
    private static GPT build(TrainConfig config, Rng rng, Backend backend) {
        try (MemoryScope init = backend.scope()) {
            GPT model = new GPT(config.model(), rng);
            model.parameters().forEach(init::keep);
            return model;
        }
    }

    /** Weight decay on matrices (embeddings, Linear weights) only; biases and LayerNorm parameters get none. */
    private static List<ParamGroup> decayGroups(GPT model) {
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            (p.rank() >= 2 ? decay : noDecay).add(p);
        }
        return List.of(ParamGroup.of(decay), ParamGroup.of(noDecay).withWeightDecay(0));
    }

    public GPT model() {
        return model;
    }

    public List<StepLog> history() {
        return List.copyOf(history);
    }

    public Path checkpointDir() {
        return config.out().resolve("checkpoint");
    }

    /** Continues from the checkpoint in {@code dir}; refuses one made with a different model or batch shape. */
    public void resume(Path dir) throws IOException {
        TrainState saved = Checkpoint.readState(dir);
        List<String> diffs = config.differencesFrom(saved.identity());
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + dir + ": the configuration differs in "
                    + String.join(", ", diffs));
        }
        TrainState state = Checkpoint.load(dir, model, optimizer);
        rng.setState(state.rngState());
        nextStep = state.nextStep();
        history.clear();
        history.addAll(state.history());
        openData();
        train.seek(new DataLoader.Position(state.loaderEpoch(), state.loaderOffset()));
        out.printf(Locale.ROOT, "resumed from %s at step %d%n", dir, nextStep);
    }

    /** Runs until step {@code config.steps()} (or {@code stopAfter} steps of this call, for tests). */
    public void run(int stopAfter) throws IOException {
        openData();
        out.printf(Locale.ROOT, "%s: %,d parameters, %d x %d tokens per micro-batch, %d micro-batch%s per step, "
                        + "%d steps, on %s%n", config.preset(), model.parameterCount(), config.microBatch(),
                config.seqLen(), accumulation, accumulation == 1 ? "" : "es", config.steps(), deviceName);
        ProgressLine progress = new ProgressLine(out, config.steps());
        backend.resetPeakMemory();
        int first = nextStep;
        int last = (int) Math.min(config.steps(), (long) first + stopAfter);
        for (int step = first; step < last; step++) {
            StepLog log = step(step);
            history.add(log);
            progress.line(format(log));
            nextStep = step + 1;
            boolean end = nextStep == last;
            if (config.checkpointEvery() > 0 && (nextStep % config.checkpointEvery() == 0 || end)) {
                saveCheckpoint();
            }
            progress.bar(nextStep, first);
        }
        out.println(memoryReport());
    }

    /** The most tensor memory this trainer held at once since its run started (model, state and step). */
    public long peakMemoryBytes() {
        return backend.memory().peakBytes() - memoryBaseline;
    }

    private String memoryReport() {
        long planned = VramPlan.of(config.model(), config.microBatch(), config.seqLen(), VramPlan.Layout.FITTED)
                .totalBytes();
        long peak = peakMemoryBytes();
        return String.format(Locale.ROOT, "tensor memory held at peak on %s: %.1f MiB; the planner's %s layout: %.1f MiB "
                + "(measured/planned %.3f)", deviceName, peak / 1048576.0, VramPlan.Layout.FITTED, planned / 1048576.0,
                (double) peak / planned);
    }

    private StepLog step(int step) throws IOException {
        long t0 = System.nanoTime();
        optimizer.zeroGrad();
        model.train();
        double loss = GradAccumulation.accumulate(model.parameters(), accumulation, k -> {
            DataLoader.Batch b = train.next();
            return model.loss(ids(b.inputs(), b), ids(b.targets(), b));
        });
        double norm = GradClip.clipGradNorm(model.parameters(), config.gradClip());
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            throw new NonFiniteException(String.format(Locale.ROOT, "step %d: loss %s, gradient norm %s; stopping. "
                    + "The last good checkpoint is in %s", step, loss, norm, checkpointDir()));
        }
        double lr = schedule.apply(optimizer, step);
        optimizer.step();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double tokensPerSecond = accumulation * (double) config.microBatch() * config.seqLen() / seconds;
        Double val = config.evalEvery() > 0 && ((step + 1) % config.evalEvery() == 0 || step + 1 == config.steps())
                ? validationLoss() : null;
        double mfu = Mfu.of(tokensPerSecond, flopsPerToken, deviceName);
        return new StepLog(step, loss, norm, lr, seconds * 1000, tokensPerSecond, Double.isNaN(mfu) ? null : mfu, val,
                val == null ? null : evaluated.bitsPerCharacter(val));
    }

    private Tensor ids(int[] ids, DataLoader.Batch b) {
        float[] values = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            values[i] = ids[i];
        }
        return backend.fromArray(values, Shape.of(b.batch(), b.seqLen()));
    }

    /**
     * Mean loss in nats per token over the first {@code evalBatches} micro-batches of the validation shard (at
     * most all of them), in eval mode.
     */
    public double validationLoss() throws IOException {
        openData();
        validation.seek(new DataLoader.Position(0, 0));
        model.eval();
        double sum = 0;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int i = 0; i < evalBatches; i++) {
                try (MemoryScope batch = backend.scope()) {
                    DataLoader.Batch b = validation.next();
                    sum += model.loss(ids(b.inputs(), b), ids(b.targets(), b)).item();
                }
            }
        }
        model.train();
        return sum / evalBatches;
    }

    /** The validation text that {@link #validationLoss} scores: its target tokens and their characters. */
    public TextSpan validationSpan() throws IOException {
        openData();
        return evaluated;
    }

    /** The validation tokens that {@link #validationLoss} predicts, in order. */
    public int[] validationTargets() throws IOException {
        openData();
        return evaluatedTargets.clone();
    }

    /** The tokenizer of the training data, which reads the model's ids as text. */
    public Tokenizer tokenizer() throws IOException {
        openData();
        return tokenizer;
    }

    private void saveCheckpoint() throws IOException {
        DataLoader.Position pos = train.position();
        OptimizerState opt = optimizer.exportState();
        Checkpoint.save(checkpointDir(), model, optimizer, new TrainState(nextStep, rng.state(), pos.epoch(),
                pos.offset(), opt.steps(), config.identity(), history));
    }

    /**
     * Opens the dataset, its tokenizer and its two loaders, once; refuses a model whose vocabulary is smaller
     * than the dataset's recorded tokenizer's.
     */
    private void openData() throws IOException {
        if (train != null) {
            return;
        }
        Dataset ds = Dataset.open(config.data());
        Tokenizers.requireFits(config.data(), config.vocab());
        tokenizer = ds.tokenizer();
        train = new DataLoader(ds.trainingShards(), config.microBatch(), config.seqLen(), config.seed(),
                DataLoader.Order.SHUFFLED);
        validation = new DataLoader(List.of(ds.validationShard()), config.microBatch(), config.seqLen(), 0,
                DataLoader.Order.SEQUENTIAL);
        evalBatches = (int) Math.max(1, Math.min(config.evalBatches(), validation.batchesPerEpoch()));
        // the targets of the first evalBatches micro-batches: tokens 1 .. evalBatches·B·T of the shard
        int targets = evalBatches * config.microBatch() * config.seqLen();
        evaluatedTargets = Arrays.copyOfRange(Shard.read(ds.validationShard()), 1, 1 + targets);
        evaluated = TextSpan.of(tokenizer, evaluatedTargets);
    }

    private static String format(StepLog s) {
        String mfu = s.mfu() == null ? "" : String.format(Locale.ROOT, " | MFU %5.1f%%", 100 * s.mfu());
        String val = s.valLoss() == null ? "" : String.format(Locale.ROOT, " | val %.4f = %.2f bits per character",
                s.valLoss(), s.valBitsPerCharacter());
        return String.format(Locale.ROOT, "step %5d | loss %.4f | norm %.4f | lr %.2e | %7.0f ms | %7.0f tok/s%s%s",
                s.step(), s.loss(), s.gradNorm(), s.lr(), s.millis(), s.tokensPerSecond(), mfu, val);
    }

}
