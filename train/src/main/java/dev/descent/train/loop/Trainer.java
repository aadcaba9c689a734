package dev.descent.train.loop;

import dev.descent.core.Autograd;
import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.profile.Profiler;
import dev.descent.core.profile.Span;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The training loop of the main job. Each optimizer step: zero the gradients; for each of the N micro-batches
 * run forward and cross-entropy and backward with the loss scaled by 1/N; clip the global gradient norm; set the
 * scheduled learning rate; AdamW step, which says whether every parameter and optimizer buffer it wrote is
 * finite; log. Every {@code evalEvery} steps the validation loss, every {@code checkpointEvery} steps and at the
 * end a checkpoint.
 * A non-finite loss, gradient norm, parameter or optimizer buffer stops the run with the step number and the
 * first tensor that went bad, before it can reach a checkpoint: the last one written stays as it was.
 */
public final class Trainer {
    private final TrainConfig config;
    private final Backend backend;
    private final PrintStream out;
    private final Rng rng;
    private final GPT model;
    private final AdamW optimizer;
    private LrSchedule schedule;
    private final List<ScheduleExtension> extensions = new ArrayList<>();
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
    private StepProfile profile = StepProfile.off();
    /** The step of the last checkpoint this trainer wrote or resumed from; -1 when there is none. */
    private int checkpointStep = -1;
    private boolean checkpointWritten;
    /** The weights this run started from, when it is a fine-tuning run; null otherwise. */
    private TrainState.InitFrom initFrom;
    /** Bytes the backend held before this trainer made anything (other work on the device or thread). */
    private final long memoryBaseline;

    /** A non-finite loss or gradient norm. */
    public static final class NonFiniteException extends RuntimeException {
        NonFiniteException(String message) {
            super(message);
        }
    }

    /** A trainer for {@code config}, which must be {@link TrainConfig#checked() usable}. */
    public Trainer(TrainConfig config, Backend backend, String deviceName, PrintStream out) {
        this.config = config.checked();
        this.backend = backend;
        this.deviceName = deviceName;
        this.out = out;
        this.rng = new Rng(config.run().seed());
        this.memoryBaseline = backend.memory().liveBytes();
        this.model = build(config, rng, backend);
        TrainConfig.Optimization o = config.optimization();
        this.optimizer = new AdamW(decayGroups(model)).lr(o.maxLr()).betas(o.beta1(), o.beta2()).eps(o.eps())
                .weightDecay(o.weightDecay());
        this.schedule = schedule();
        TrainConfig.Batch b = config.batch();
        this.accumulation = GradAccumulation.accumulationSteps(b.totalBatchTokens(), b.microBatch(), b.seqLen());
        this.flopsPerToken = Mfu.flopsPerToken(model.parameterCount(), config.model().layers(), config.model().width(),
                b.seqLen());
    }

    /** The model, with the temporaries of its initialisation released: only the parameters stay on the device. */
    private static GPT build(TrainConfig config, Rng rng, Backend backend) {
        try (MemoryScope init = backend.scope()) {
            GPT model = new GPT(config.model().gpt(), rng);
            model.parameters().forEach(init::keep);
            return model;
        }
    }

    /** Weight decay on matrices (embeddings, Linear weights) only; biases and LayerNorm parameters get none. */
    private static ParamGroup[] decayGroups(GPT model) {
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            (p.rank() >= 2 ? decay : noDecay).add(p);
        }
        return new ParamGroup[] {ParamGroup.of(decay), ParamGroup.of(noDecay).withWeightDecay(0)};
    }

    public GPT model() {
        return model;
    }

    public List<StepLog> history() {
        return List.copyOf(history);
    }

    public Path checkpointDir() {
        return config.run().out().resolve("checkpoint");
    }

    /**
     * Starts this new run from the weights of {@code source} instead of the random initialisation (fine-tuning): the
     * model's shape must be the source's, and the data must be in its tokens (GPT-2's for a Hugging Face folder, the
     * one a checkpoint records); AdamW's state is fresh and the schedule starts at step 0. Measures the
     * validation loss of the weights as loaded and takes {@code sampleOf}'s text of them; the checkpoints record
     * both with the source, so a resumed run still reports them.
     */
    public TrainState.InitFrom initFrom(InitSource source, Function<GPT, String> sampleOf) throws IOException {
        if (nextStep != 0 || checkpointStep >= 0) {
            throw new IllegalStateException("initFrom starts a new run; this trainer has resumed one at step " + nextStep);
        }
        openData();
        Tokenizer weights = source.tokenizer();
        if (!weights.json().equals(tokenizer.json())) {
            throw new IllegalArgumentException("--init-from " + source.path() + " holds a model of " + weights.name()
                    + " tokens, but the dataset " + config.run().data() + " is in " + tokenizer.name() + " tokens: "
                    + "train it on data in its own tokens (--tokenizer " + weights.name() + ", or --data)");
        }
        source.loadInto(model);
        double before = validationLoss();
        initFrom = new TrainState.InitFrom(source.path().toString(), source.format().description(), before,
                sampleOf.apply(model));
        out.printf(Locale.ROOT, "initialised from %s: validation loss %.4f before the first step%n", source.describe(),
                before);
        return initFrom;
    }

    /** Where this run's weights came from and how they did before its first step; null for a run from scratch. */
    public TrainState.InitFrom initFrom() {
        return initFrom;
    }

    /** Profiles the steps of {@link #run} (see {@link StepProfile}). */
    public void profile(StepProfile stepProfile) {
        this.profile = stepProfile;
    }

    /** The warmup + cosine schedule of the configuration, lengthened by each extension in turn. */
    private LrSchedule schedule() {
        TrainConfig.Optimization o = config.optimization();
        LrSchedule lr = LrSchedule.warmupCosine(o.maxLr(), o.minLr(), o.warmupSteps(), o.steps());
        for (ScheduleExtension e : extensions) {
            lr = e.applyTo(lr, o.minLr());
        }
        return lr;
    }

    /** The run's length: the configuration's steps, or the last extension's. */
    public int totalSteps() {
        return extensions.isEmpty() ? config.optimization().steps() : extensions.get(extensions.size() - 1).to();
    }

    /** The learning rate of step {@code step} under the run's schedule, extensions included. */
    public double lr(int step) {
        return schedule.lr(step);
    }

    /**
     * Continues from the checkpoint in {@code dir} (or its {@code .prev} twin, if dir is unloadable, saying so).
     * Refuses one made with a different model, batch shape, seed or schedule: a resume continues the run that was
     * started; {@link #extendTo} lengthens it.
     */
    public void resume(Path dir) throws IOException {
        Checkpoint.Loaded<TrainState> loaded = Checkpoint.load(dir, model, optimizer,
                saved -> refuseOtherRuns(dir, saved));
        TrainState state = loaded.value();
        rng.setState(state.rngState());
        nextStep = state.nextStep();
        checkpointStep = nextStep;
        history.clear();
        history.addAll(state.history());
        extensions.clear();
        extensions.addAll(state.extensionsOrNone());
        schedule = schedule();
        initFrom = state.initFrom();
        openData();
        train.seek(new DataLoader.Position(state.loaderEpoch(), state.loaderOffset()));
        out.printf(Locale.ROOT, "resumed from %s at step %d of %d%s%n", loaded.from(), nextStep, totalSteps(),
                loaded.skipped() == null ? "" : " (" + dir + " is unloadable: " + loaded.skipped() + ")");
    }

    private void refuseOtherRuns(Path dir, TrainState saved) {
        List<String> diffs = config.differencesFrom(saved.identity());
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + dir + ": the configuration differs in "
                    + String.join(", ", diffs) + "; give the run's own values, or start a new run elsewhere");
        }
        if (saved.optimization() != null && !config.scheduleDifferencesFrom(saved.optimization()).isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + dir + ": a resume keeps the run's own schedule, "
                    + "and this one differs in " + String.join(", ", config.scheduleDifferencesFrom(saved.optimization()))
                    + "; resume with the run's settings, or lengthen the run with --extend-to");
        }
    }

    /**
     * Lengthens the run to {@code steps} steps from the step it is at: the rate decays by a cosine from where it is
     * to the floor at the new end ({@link ScheduleExtension}). Prints the new curve's key points; the checkpoints
     * record the extension, so a later resume keeps it.
     */
    public void extendTo(int steps) {
        if (steps <= totalSteps()) {
            throw new IllegalArgumentException("--extend-to " + steps + " must be more than the run's " + totalSteps()
                    + " steps");
        }
        int length = totalSteps();
        double before = schedule.lr(nextStep);
        extensions.add(new ScheduleExtension(nextStep, steps));
        schedule = schedule();
        double floor = config.optimization().minLr();
        if (before <= floor) {
            out.printf(Locale.ROOT, "extending the run from %d to %d steps: it has reached its floor, lr %.2e, and "
                    + "stays there%n", length, steps, floor);
            return;
        }
        int mid = nextStep + (steps - nextStep) / 2;
        out.printf(Locale.ROOT, "extending the run from %d to %d steps: lr %.2e at step %d (where it is), %.2e at step "
                + "%d, %.2e at step %d (the end): a cosine from where it is down to %.2e%n", length, steps, before,
                nextStep, schedule.lr(mid), mid, schedule.lr(steps - 1), steps - 1, floor);
    }

    /** Runs until step {@link #totalSteps()} (or {@code stopAfter} steps of this call, for tests). */
    public void run(int stopAfter) throws IOException {
        openData();
        out.printf(Locale.ROOT, "%s: %,d parameters, %d x %d tokens per micro-batch, %d micro-batch%s per step, "
                        + "%d steps, on %s%n", config.label(), model.parameterCount(), config.batch().microBatch(),
                config.batch().seqLen(), accumulation, accumulation == 1 ? "" : "es", totalSteps(), deviceName);
        ProgressLine progress = new ProgressLine(out, totalSteps());
        backend.resetPeakMemory();
        int first = nextStep;
        int last = (int) Math.min(totalSteps(), (long) first + stopAfter);
        for (int step = first; step < last; step++) {
            StepLog log;
            profile.beforeStep();
            try {
                log = step(step);
            } finally {
                profile.afterStep();
            }
            history.add(log);
            progress.line(format(log));
            nextStep = step + 1;
            int every = config.run().checkpointEvery();
            if (nextStep == last || (every > 0 && nextStep % every == 0)) {
                saveCheckpoint();
            }
            progress.bar(nextStep, first);
        }
        out.println(memoryReport());
    }

    /** Whether this trainer has written a checkpoint (every run that takes a step ends with one). */
    public boolean checkpointWritten() {
        return checkpointWritten;
    }

    /** The most tensor memory this trainer held at once since its run started (model, state and step). */
    public long peakMemoryBytes() {
        return backend.memory().peakBytes() - memoryBaseline;
    }

    private String memoryReport() {
        TrainConfig.Batch b = config.batch();
        long planned = VramPlan.of(config.model().gpt(), b.microBatch(), b.seqLen(), VramPlan.Layout.FITTED)
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
        double norm;
        try (Span clip = Profiler.phase("clip")) {
            norm = GradClip.clipGradNorm(model.parameters(), config.optimization().gradClip());
        }
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            throw new NonFiniteException(String.format(Locale.ROOT, "step %d: loss %s, gradient norm %s; stopping. %s",
                    step, loss, norm, lastGoodCheckpoint()));
        }
        double lr = schedule.apply(optimizer, step);
        boolean finite;
        try (Span update = Profiler.phase("optimizer")) {
            finite = optimizer.stepAndCheckFinite();
        }
        if (!finite) {
            refuseNonFiniteState(step);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double tokensPerSecond = accumulation * (double) config.batch().microBatch() * config.batch().seqLen() / seconds;
        int evalEvery = config.run().evalEvery();
        Double val = evalEvery > 0 && ((step + 1) % evalEvery == 0 || step + 1 == totalSteps())
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
    @SuppressWarnings("try")
    public double validationLoss() throws IOException {
        openData();
        validation.seek(new DataLoader.Position(0, 0));
        model.eval();
        double sum = 0;
        try (Autograd.Scope ignored = Autograd.noGrad(); Span phase = Profiler.phase("validation")) {
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

    /**
     * Stops the run, naming the first parameter or optimizer buffer that holds a non-finite value: called when the
     * AdamW step reports that it wrote one (the check costs nothing until then; only the tensors the step wrote can
     * have changed since the last step, or since the model and state were loaded, which refuses non-finite values).
     */
    private void refuseNonFiniteState(int step) {
        Map<String, Tensor> state = new LinkedHashMap<>(model.namedParameters());
        state.putAll(Checkpoint.namedState(model, optimizer));
        Finite.firstNonFinite(state).ifPresent(name -> {
            throw new NonFiniteException(String.format(Locale.ROOT, "step %d: %s holds non-finite values after the "
                    + "update (lr %.2e); stopping before they reach a checkpoint. %s", step, name,
                    schedule.lr(step), lastGoodCheckpoint()));
        });
    }

    private String lastGoodCheckpoint() {
        return checkpointStep < 0 ? "No checkpoint has been written."
                : String.format(Locale.ROOT, "The last good checkpoint is in %s (step %d).", checkpointDir(),
                        checkpointStep);
    }

    private void saveCheckpoint() throws IOException {
        DataLoader.Position pos = train.position();
        OptimizerState opt = optimizer.exportState();
        Checkpoint.save(checkpointDir(), model, optimizer, new TrainState(nextStep, rng.state(), pos.epoch(),
                pos.offset(), opt.steps(), config.identity(), config.schedule(), List.copyOf(extensions), history,
                initFrom), tokenizer);
        checkpointStep = nextStep;
        checkpointWritten = true;
    }

    /**
     * Opens the dataset, its tokenizer and its two loaders, once; refuses a model whose vocabulary is smaller
     * than the dataset's recorded tokenizer's.
     */
    private void openData() throws IOException {
        if (train != null) {
            return;
        }
        Dataset ds = Dataset.open(config.run().data());
        Tokenizers.requireFits(config.run().data(), config.model().vocab());
        tokenizer = ds.tokenizer();
        TrainConfig.Batch b = config.batch();
        int vocab = config.model().vocab();
        train = new DataLoader(ds.trainingShards(), b.microBatch(), b.seqLen(), config.run().seed(), vocab,
                DataLoader.Order.SHUFFLED);
        validation = new DataLoader(List.of(ds.validationShard()), b.microBatch(), b.seqLen(), 0, vocab,
                DataLoader.Order.SEQUENTIAL);
        evalBatches = (int) Math.max(1, Math.min(config.run().evalBatches(), validation.batchesPerEpoch()));
        // the targets of the first evalBatches micro-batches: tokens 1 .. evalBatches·B·T of the shard
        int targets = evalBatches * b.microBatch() * b.seqLen();
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
