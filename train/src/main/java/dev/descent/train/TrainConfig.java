package dev.descent.train;

import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.plan.Card;
import dev.descent.train.plan.VramPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything that defines a training run, in four groups: the model's shape, the batch arithmetic, AdamW and its
 * schedule, and the run's bookkeeping. Start from a preset and change what differs by name:
 * <pre>{@code
 * TrainConfig c = TrainConfig.tinyCpu().with("steps", 300).with("maxLr", 3e-3);   // --steps 300 --lr 3e-3
 * TrainConfig wider = c.with(new TrainConfig.Model(16384, 64, 4, 2, 128, 0f));   // a whole group
 * }</pre>
 * Every field of a group is a {@link Setting}: the command line has an option for each (its help line is on the
 * field), and the ones marked {@code identity} are recorded in a checkpoint. A new hyperparameter is one annotated
 * field in its group and its value in the presets.
 */
public record TrainConfig(String preset, Model model, Batch batch, Optimization optimization, Run run) {


    /** The GPT's shape. */
    public record Model(
            @Setting(help = "Vocabulary size (padded sizes like 50304 allowed).", identity = true) int vocab,
            @Setting(help = "Context length (positions).", identity = true) int context,
            @Setting(help = "Transformer blocks.", identity = true) int layers,
            @Setting(help = "Attention heads.", identity = true) int heads,
            @Setting(help = "Channels of the residual stream.", identity = true) int width,
            @Setting(help = "Dropout probability.", identity = true) float dropout) {

        /** The model these fields describe (without gradient checkpointing). */
        public GPTConfig gpt() {
            return new GPTConfig(vocab, context, layers, heads, width, dropout, false);
        }
    }

    /**
     * The batch arithmetic: {@code totalBatchTokens / (microBatch·seqLen)} micro-batches of (B, T) =
     * (microBatch, seqLen) are accumulated into each optimizer step.
     */
    public record Batch(
            @Setting(help = "Sequences per micro-batch (B).", identity = true) int microBatch,
            @Setting(help = "Tokens per sequence (T).", identity = true) int seqLen,
            @Setting(help = "Tokens per optimizer step (a multiple of B*T).", flag = "total-batch", identity = true)
            long totalBatchTokens) {
    }

    /** AdamW, its warmup + cosine schedule and the gradient clip. */
    public record Optimization(
            @Setting(help = "Optimizer steps.") int steps,
            @Setting(help = "Peak learning rate.", flag = "lr") double maxLr,
            @Setting(help = "Learning rate at the end of the cosine.") double minLr,
            @Setting(help = "Warmup steps.", flag = "warmup") int warmupSteps,
            @Setting(help = "AdamW weight decay on matrices.") double weightDecay,
            @Setting(help = "AdamW beta1.") double beta1,
            @Setting(help = "AdamW beta2.") double beta2,
            @Setting(help = "AdamW epsilon.") double eps,
            @Setting(help = "Global gradient-norm clip.", flag = "clip") double gradClip) {
    }

    /** The bookkeeping: evaluation, checkpoints, the seed, where data and results live, the device. */
    public record Run(
            @Setting(help = "Steps between validation losses (0: never).") int evalEvery,
            @Setting(help = "Micro-batches per validation loss (at most the validation shard's).") int evalBatches,
            @Setting(help = "Steps between checkpoints (0: only at the end).") int checkpointEvery,
            @Setting(help = "Seed of initialisation, dropout and data order.", identity = true) long seed,
            @Setting(help = "gpt2, bytes or bpe-N (a byte-pair vocabulary of N tokens learned from the text) for the "
                    + "embedded Moby-Dick; sets the default --data and --vocab.") String tokenizer,
            @Setting(help = "Dataset directory (prepare-data writes one; default: the embedded Moby-Dick in the "
                    + "--tokenizer's tokens, prepared on first use).") Path data,
            @Setting(help = "Run directory: checkpoint, loss.png, summary.json.") Path out,
            @Setting(help = "cpu or cuda.") String device,
            @Setting(help = "Hard cap on device memory, e.g. 8g (empty: none).") String vramLimit) {
    }

    /**
     * Where the embedded Moby-Dick goes in the tokens of {@code tokenizer}, prepared on first use: data/moby-dick
     * (GPT-2), data/moby-dick-bpe-2048, ...
     */
    public static Path embeddedData(String tokenizer) {
        return Path.of("data", tokenizer.equals("gpt2") ? "moby-dick" : "moby-dick-" + tokenizer);
    }

    /**
     * What {@code ./descent} trains in a couple of minutes on 2 CPU cores: Moby-Dick in a byte-pair vocabulary
     * learned from the book's training chapters, as large as the book gives (the merges stop at 15,977 tokens, when
     * no pair occurs twice; the model keeps 16,384 rows), and a 4-layer, width-64 GPT with a context of 64 tokens:
     * 1,500 steps of 16 × 64 tokens (about six passes over the training chapters), lr 6e-3 after 250 warmup steps,
     * cosine to 3e-4, AdamW with β2 = 0.999 and weight decay 1.0, the whole validation text scored every 500 steps.
     * Chosen by bits per character measured at equal time on 2 cores (docs/PERFORMANCE.md): a larger vocabulary beat
     * a wider or deeper model at every size tried (bpe-2048 to bpe-16384); once the model learned the training
     * chapters faster than it generalised to the held-out ones, stronger weight decay and β2 = 0.999 (steadier
     * steps for the rare tokens' rows) lowered the validation loss more than further steps did; and a warmup of 250
     * steps instead of 30 ended lower on each of three seeds.
     */
    public static TrainConfig tinyCpu() {
        return new TrainConfig("tiny-cpu",
                new Model(16384, 64, 4, 2, 64, 0f),
                new Batch(16, 64, 1024),
                new Optimization(1500, 6e-3, 3e-4, 250, 1.0, 0.9, 0.999, 1e-8, 1.0),
                new Run(500, 64, 500, 1337, "bpe-16384", embeddedData("bpe-16384"), Path.of("runs", "tiny-cpu"),
                        "cpu", ""));
    }

    /**
     * GPT-2 124M on an 8 GB GTX 1070 Ti: vocab padded to 50304, micro-batch 2 × 1024, total batch 2^19 tokens
     * (256 accumulation steps), AdamW (0.9, 0.95), eps 1e-8, weight decay 0.1 on matrices, lr 6e-4 with 715
     * warmup steps and cosine decay to 6e-5 over 19,073 steps, clip 1.0.
     */
    public static TrainConfig gpt2On1070Ti() {
        return new TrainConfig("gpt2-124m-1070ti",
                new Model(50304, 1024, 12, 12, 768, 0f),
                new Batch(2, 1024, 1L << 19),
                new Optimization(19073, 6e-4, 6e-5, 715, 0.1, 0.9, 0.95, 1e-8, 1.0),
                new Run(250, 20, 500, 1337, "gpt2", embeddedData("gpt2"), Path.of("runs", "gpt2-124m-1070ti"),
                        "cuda", "8g"));
    }

    /** The preset that fine-tunes GPT-2: a run of it starts from the weights given to {@code --init-from}. */
    public static final String GPT2_FINETUNE = "gpt2-124m-finetune";

    /**
     * Fine-tuning GPT-2 124M on the bundled Moby-Dick on an 8 GB GTX 1070 Ti, from the weights given to
     * {@code train --init-from} (which also give the model's shape): vocabulary 50,257 as imported (GPT-2's own
     * tokenizer, unpadded), no dropout (so attention stays fused, as the memory plan counts on). The micro-batch is
     * the planner's ({@link VramPlan#largestFitting}): the most tokens B·T whose FITTED plan, with the GPU's
     * allowances, fits the card's 8 GiB: 4 × 1024. 32,768 tokens per step (8 micro-batches), AdamW at a fine-tuning
     * rate: 3e-5 after 5 warmup steps, cosine to 3e-6 at step 80, weight decay 0.1, clip 1.0. By the planner's
     * estimate ({@link dev.descent.train.plan.TimePlan} at descent's measured MFU) about an hour on the 1070 Ti: some
     * ten passes over the book's 258k training tokens. The validation loss (6 micro-batches, 24,576 of the 28.7k
     * held-out tokens) every 10 steps.
     */
    public static TrainConfig gpt2FineTune() {
        VramPlan.MicroBatch micro = VramPlan.largestFitting(GPTConfig.gpt2Small(),
                Card.named("1070ti").orElseThrow().memoryBytes());
        return new TrainConfig(GPT2_FINETUNE,
                new Model(50257, 1024, 12, 12, 768, 0f),
                new Batch(micro.batch(), micro.seqLen(), 1L << 15),
                new Optimization(80, 3e-5, 3e-6, 5, 0.1, 0.9, 0.95, 1e-8, 1.0),
                new Run(10, 6, 20, 1337, "gpt2", embeddedData("gpt2"), Path.of("runs", GPT2_FINETUNE), "cuda", "8g"));
    }

    /** The preset called {@code name}, or an error listing the presets. */
    public static TrainConfig preset(String name) {
        switch (name) {
            case "tiny-cpu":
                return tinyCpu();
            case "gpt2-124m-1070ti":
                return gpt2On1070Ti();
            case GPT2_FINETUNE:
                return gpt2FineTune();
            default:
                throw new IllegalArgumentException("unknown preset '" + name + "'; presets: tiny-cpu, gpt2-124m-1070ti, "
                        + GPT2_FINETUNE);
        }
    }

    /**
     * This configuration with one setting changed, by its field name ({@link Settings#all()} lists them). A number
     * converts to the setting's type when no digit is lost: {@code with("seed", 5)} sets the long seed.
     */
    public TrainConfig with(String setting, Object value) {
        Settings.Spec s = Settings.named(setting);
        Record group = (Record) Settings.value(this, s.group().getName());
        return Settings.with(this, s.group().getName(), Settings.with(group, s.name(), Settings.coerce(s, value)));
    }

    public TrainConfig with(Model m) {
        return new TrainConfig(preset, m, batch, optimization, run);
    }

    public TrainConfig with(Batch b) {
        return new TrainConfig(preset, model, b, optimization, run);
    }

    public TrainConfig with(Optimization o) {
        return new TrainConfig(preset, model, batch, o, run);
    }

    public TrainConfig with(Run r) {
        return new TrainConfig(preset, model, batch, optimization, r);
    }

    /**
     * What the run's header calls this model: the preset's name while the model has the preset's shape (dropout
     * aside), else the shape ("a GPT of 12 blocks, width 768, 12 heads, vocabulary 50304 (shape options over preset
     * tiny-cpu)"), so a header never names a preset whose model the options replaced.
     */
    public String label() {
        Model p = preset(preset).model();
        boolean presetShape = model.vocab() == p.vocab() && model.context() == p.context()
                && model.layers() == p.layers() && model.heads() == p.heads() && model.width() == p.width();
        if (presetShape) {
            return preset;
        }
        return String.format(Locale.ROOT, "a GPT of %d blocks, width %d, %d heads, vocabulary %d (shape options "
                + "over preset %s)", model.layers(), model.width(), model.heads(), model.vocab(), preset);
    }

    /** The value of a setting, by its field name. */
    public Object get(String setting) {
        Settings.Spec s = Settings.named(setting);
        return Settings.value((Record) Settings.value(this, s.group().getName()), s.name());
    }

    /**
     * The settings marked {@code identity}, by name: a checkpoint is incompatible with this configuration when one
     * differs (the model's shape, the batch arithmetic, the seed).
     */
    public Map<String, String> identity() {
        return settings(Settings.Spec::identity);
    }

    /**
     * The run's AdamW and schedule settings ({@link Optimization}), by name: a checkpoint records them and a resume
     * keeps them, so a resumed run is the run that was started (lengthening it is explicit: {@code --extend-to}).
     */
    public Map<String, String> schedule() {
        return settings(s -> s.group().getName().equals("optimization"));
    }

    private Map<String, String> settings(Predicate<Settings.Spec> which) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Settings.Spec s : Settings.all()) {
            if (which.test(s)) {
                m.put(s.name(), String.valueOf(get(s.name())));
            }
        }
        return m;
    }

    /** The names and values of identity fields that differ from {@code saved}, empty when compatible. */
    public List<String> differencesFrom(Map<String, String> saved) {
        return differences(identity(), saved);
    }

    /** The names and values of schedule settings that differ from {@code saved}, empty when they agree. */
    public List<String> scheduleDifferencesFrom(Map<String, String> saved) {
        return differences(schedule(), saved);
    }

    private static List<String> differences(Map<String, String> now, Map<String, String> saved) {
        List<String> diffs = new ArrayList<>();
        now.forEach((key, value) -> {
            String old = saved.get(key);
            if (!value.equals(old)) {
                diffs.add(key + " (checkpoint " + old + ", now " + value + ")");
            }
        });
        return diffs;
    }

    /**
     * This configuration with the schedule the checkpoint {@code from} recorded ({@code saved}, from
     * {@link #schedule()}), for a resume. A setting the user gave ({@code given}, by name) with another value is
     * refused, naming its option.
     */
    public TrainConfig withSchedule(Map<String, String> saved, Set<String> given, Path from) {
        TrainConfig c = this;
        for (Map.Entry<String, String> e : saved.entrySet()) {
            Settings.Spec s = Settings.named(e.getKey());
            String now = String.valueOf(get(s.name()));
            if (given.contains(s.name()) && !now.equals(e.getValue())) {
                throw new IllegalArgumentException("--" + s.flag() + " " + now + " differs from the run's " + e.getValue()
                        + " (recorded in " + from + "): a resume continues the run's own schedule; drop --" + s.flag()
                        + (s.name().equals("steps") ? ", or lengthen the run with --extend-to " + now : "")
                        + " (or start a new run)");
            }
            c = c.with(s.name(), Settings.parse(s, e.getValue()));
        }
        return c;
    }

    /**
     * This configuration with its warmup at {@code preset}'s share of the run, rounded, at least one step: a run of
     * another length warms up over the same fraction of its steps (tiny-cpu's 250 of 1,500 steps: 50 of a 300-step
     * run, 2 of a 10-step one). Unchanged when the run has the preset's steps.
     */
    public TrainConfig withWarmupShareOf(TrainConfig preset) {
        Optimization p = preset.optimization();
        int steps = optimization.steps();
        if (steps == p.steps()) {
            return this;
        }
        // warmup = max(1, round(steps · presetWarmup / presetSteps))
        return with("warmupSteps", (int) Math.max(1, Math.round((double) steps * p.warmupSteps() / p.steps())));
    }

    /**
     * This configuration, if a run can use it; otherwise an error naming the option, the value and the fix. The
     * peak rate is at most 1: AdamW moves each weight by up to about lr per step, and weights are of order 0.02.
     */
    public TrainConfig checked() {
        Optimization o = optimization;
        require(o.steps() >= 2, "steps", o.steps(), "a run needs at least 2 steps (a warmup step and one more)");
        require(o.warmupSteps() >= 1, "warmupSteps", o.warmupSteps(), "the warmup needs at least 1 step");
        require(o.steps() > o.warmupSteps(), "steps", o.steps(), "must be greater than " + option("warmupSteps") + " "
                + o.warmupSteps() + ": raise " + option("steps") + " or lower " + option("warmupSteps"));
        require(o.maxLr() > 0 && o.maxLr() <= 1, "maxLr", o.maxLr(), "is not a usable peak learning rate: AdamW "
                + "moves each weight by up to about lr per step; use a value in (0, 1], e.g. 6e-4");
        require(o.minLr() >= 0 && o.minLr() <= o.maxLr(), "minLr", o.minLr(), "must be between 0 and "
                + option("maxLr") + " " + o.maxLr());
        require(run.evalEvery() >= 0, "evalEvery", run.evalEvery(), "must be 0 (never) or a number of steps");
        require(run.evalBatches() >= 1, "evalBatches", run.evalBatches(), "must be at least 1");
        require(run.checkpointEvery() >= 0, "checkpointEvery", run.checkpointEvery(),
                "must be 0 (only at the end) or a number of steps");
        return this;
    }

    private static void require(boolean ok, String setting, Object value, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(option(setting) + " " + value + ": " + problem);
        }
    }

    /** The command-line option of a setting: {@code --lr} for maxLr. */
    public static String option(String setting) {
        return "--" + Settings.named(setting).flag();
    }
}
