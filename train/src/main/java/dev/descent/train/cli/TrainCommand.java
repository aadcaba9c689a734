package dev.descent.train.cli;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Corpora;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import dev.descent.train.data.TextSpan;
import dev.descent.train.data.Tokenizer;
import dev.descent.train.data.UnigramBaseline;
import dev.descent.train.loop.Checkpoint;
import dev.descent.train.loop.InitSource;
import dev.descent.train.loop.RunReport;
import dev.descent.train.loop.Sampler;
import dev.descent.train.loop.StepLog;
import dev.descent.train.loop.StepProfile;
import dev.descent.train.loop.TrainState;
import dev.descent.train.loop.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the main job. Prepares the embedded data if needed, trains, reports and prints a sample. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a GPT (default: tiny-cpu on Moby-Dick).")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--resume", description = "Continue a run exactly, with its own schedule, from its checkpoint "
            + "directory (e.g. runs/tiny-cpu/checkpoint).")
    Path resume;

    @Option(names = "--init-from", paramLabel = "<dir>", description = "Start a new run from these weights "
            + "(fine-tuning): a checkpoint directory (a run's, or one import-hf made) or a Hugging Face GPT-2 folder. "
            + "The model's shape is theirs; AdamW's state and the schedule start afresh.")
    Path initFrom;

    @Option(names = "--extend-to", paramLabel = "<steps>", description = "With --resume: lengthen the run to this "
            + "many steps; the rate decays by a cosine from where it is to --min-lr (the new curve is printed first).")
    Integer extendTo;

    @Option(names = "--replace", description = "Delete the run in --out (checkpoint, loss.png, summary.json) and "
            + "start over there; without it a directory holding a run is only resumed.")
    boolean replace;

    @Option(names = "--sample-tokens", defaultValue = "100", description = "Tokens to sample at the end (default ${DEFAULT-VALUE}).")
    int sampleTokens;

    @Option(names = "--profile", description = "Profile the steps after the warm-up; print the table after the run "
            + "and write it to profile.txt in the run directory.")
    boolean profile;

    @Option(names = "--profile-warmup", defaultValue = "1", description = "Steps left out of the profile's table "
            + "(default ${DEFAULT-VALUE}).")
    int profileWarmup;

    /** The weights of {@code --init-from}, opened by {@link #configure()}; null without it. */
    private InitSource source;

    @Override
    public Integer call() throws IOException {
        TrainConfig config = configure();
        RunDirectory.claim(config.run().out(), resume, replace);
        prepareEmbeddedDataIfMissing(config);
        Device device = Device.open(config);
        Trainer trainer = new Trainer(config, device.backend(), device.name(), System.out);
        if (resume != null) {
            trainer.resume(resume);
        }
        Tokenizer tokenizer = trainer.tokenizer();
        if (source != null) {
            trainer.initFrom(source, model -> sample(model, tokenizer, config));
        }
        if (extendTo != null) {
            trainer.extendTo(extendTo);
        }
        StepProfile steps = profile ? StepProfile.afterWarmup(profileWarmup) : null;
        if (steps != null) {
            trainer.profile(steps);
        }
        // the unigram baseline scores the same validation tokens as the model
        double baseline = UnigramBaseline.crossEntropy(Dataset.open(config.run().data()).trainingShards(),
                trainer.validationTargets(), tokenizer.vocabSize());
        TextSpan evaluated = trainer.validationSpan();
        double baselineBits = evaluated.bitsPerCharacter(baseline);
        System.out.printf(Locale.ROOT, "the bar to clear: a unigram model (token frequencies, no context) gets %.4f "
                + "nats per token = %.2f bits per character on the validation text%n", baseline, baselineBits);
        trainer.run(Integer.MAX_VALUE);
        if (steps != null) {
            String report = steps.report();
            System.out.printf(Locale.ROOT, "%n%s", report);
            Files.writeString(Files.createDirectories(config.run().out()).resolve("profile.txt"), report);
        }
        double validation = finalValidationLoss(trainer);
        double bits = evaluated.bitsPerCharacter(validation);
        System.out.printf(Locale.ROOT, "%nvalidation loss %.4f nats per token = %.2f bits per character (%,d tokens, "
                        + "%,d characters of %s text); a unigram model (token frequencies, no context) gets %.4f nats "
                        + "= %.2f bits per character%n", validation, bits, evaluated.tokens(), evaluated.characters(),
                tokenizer.name(), baseline, baselineBits);
        String sample = sample(trainer.model(), tokenizer, config);
        TrainState.InitFrom init = trainer.initFrom();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("preset", config.preset());
        extra.put("device", device.name());
        extra.put("tokenizer", tokenizer.name());
        extra.put("parameters", trainer.model().parameterCount());
        extra.put("validationLoss", validation);
        extra.put("validationBitsPerCharacter", bits);
        extra.put("validationTokens", evaluated.tokens());
        extra.put("validationCharacters", evaluated.characters());
        extra.put("unigramBaselineLoss", baseline);
        extra.put("unigramBaselineBitsPerCharacter", baselineBits);
        extra.put("sample", sample);
        if (init != null) {
            extra.put("initFrom", init);
        }
        String title = String.format(Locale.ROOT, "%s: validation %.3f nats = %.2f bits per character", config.label(),
                validation, bits);
        RunReport.write(config.run().out(), trainer.history(), title, baseline, evaluated.bitsPerCharacter(1), extra);
        if (init != null) {
            System.out.printf(Locale.ROOT, "before the first step (the weights of %s): validation loss %.4f%nsample "
                    + "before (temperature 0.8, top-k 40):%n%s%n%n", init.source(), init.validationLossBefore(),
                    init.sampleBefore().strip());
        }
        System.out.printf(Locale.ROOT, "sample%s (temperature 0.8, top-k 40):%n%s%n%n", init == null ? "" : " after",
                sample.strip());
        Path out = config.run().out();
        String profileNote = profile ? ", " + out.resolve("profile.txt") : "";
        System.out.printf(Locale.ROOT, trainer.checkpointWritten() ? "wrote %s, %s%s and the checkpoint %s%n"
                : "wrote %s, %s%s; the checkpoint %s is as it was (the run had finished: --extend-to lengthens it)%n",
                out.resolve("loss.png"), out.resolve("summary.json"), profileNote, trainer.checkpointDir());
        return 0;
    }

    /** {@code sampleTokens} tokens of {@code model} after the start of a document: temperature 0.8, top-k 40. */
    private String sample(GPT model, Tokenizer tokenizer, TrainConfig config) {
        int[] prompt = {tokenizer.documentStart(config.model().vocab())};
        int[] ids = Sampler.generate(model, prompt, sampleTokens, 0.8, 40, new Rng(config.run().seed()));
        return tokenizer.decode(Arrays.copyOfRange(ids, 1, 1 + sampleTokens));
    }

    /**
     * The preset and the options; for a resume, the run's own schedule from its checkpoint (an option that
     * contradicts it is refused), and a fine-tuning run's model; for a new run from {@code --init-from}, the model of
     * those weights; for a new run of another length than its preset's, without --warmup, the preset's share of it.
     */
    private TrainConfig configure() throws IOException {
        TrainConfig config = options.resolve();
        if (resume != null) {
            if (initFrom != null) {
                throw new IllegalArgumentException("--init-from starts a new run from a model's weights and --resume "
                        + "continues a run: give one of them");
            }
            TrainState saved = Checkpoint.readState(resume);
            if (saved.initFrom() != null) {
                config = withShape(config, GPTConfig.fromShapeMetadata(saved.identity(), resume.toString()),
                        "the run's", "a fine-tuning run keeps the model it started from");
            }
            return saved.optimization() == null ? config : config.withSchedule(saved.optimization(), options.given(), resume);
        }
        if (extendTo != null) {
            throw new IllegalArgumentException("--extend-to lengthens a run that is resumed: add --resume <checkpoint>");
        }
        if (initFrom != null) {
            source = InitSource.open(initFrom);
            config = withShape(config, source.shape(), "--init-from's",
                    "a run from --init-from takes the model's shape from its weights");
        } else if (config.preset().equals(TrainConfig.GPT2_FINETUNE)) {
            throw new IllegalArgumentException("the preset " + TrainConfig.GPT2_FINETUNE + " fine-tunes GPT-2: add "
                    + "--init-from <dir>, a Hugging Face GPT-2 folder or a checkpoint from ./descent import-hf (the "
                    + "README's \"Real GPT-2\" says how to get them)");
        }
        if (options.given().contains("warmupSteps")) {
            return config;
        }
        TrainConfig preset = TrainConfig.preset(config.preset());
        TrainConfig fitted = config.withWarmupShareOf(preset);
        int warmup = fitted.optimization().warmupSteps();
        if (warmup != config.optimization().warmupSteps()) {
            System.out.printf(Locale.ROOT, "--steps %d: warming up over %d step%s, the preset's share (%d of its %d "
                            + "steps; --warmup sets it)%n", config.optimization().steps(), warmup,
                    warmup == 1 ? "" : "s", preset.optimization().warmupSteps(), preset.optimization().steps());
        }
        return fitted;
    }

    /**
     * {@code config} with the model's shape {@code shape} (its dropout kept), after refusing the model options given
     * that contradict it, and a sequence longer than its context.
     */
    private TrainConfig withShape(TrainConfig config, GPTConfig shape, String whose, String rule) {
        options.requireShape(config, shape, whose, rule);
        int seqLen = config.batch().seqLen();
        if (seqLen > shape.contextLength()) {
            throw new IllegalArgumentException(TrainConfig.option("seqLen") + " " + seqLen + " is longer than the "
                    + "model's context of " + shape.contextLength() + " positions: lower " + TrainConfig.option("seqLen"));
        }
        return config.with(new TrainConfig.Model(shape.vocabSize(), shape.contextLength(), shape.layers(),
                shape.heads(), shape.width(), config.model().dropout()));
    }

    /** The validation loss of the last step, which always measures one, or a fresh one when it measured none. */
    private static double finalValidationLoss(Trainer trainer) throws IOException {
        List<StepLog> history = trainer.history();
        StepLog last = history.isEmpty() ? null : history.get(history.size() - 1);
        return last != null && last.valLoss() != null ? last.valLoss() : trainer.validationLoss();
    }

    /**
     * The embedded Moby-Dick ships inside descent: tokenize it on first use, into a temporary directory renamed
     * into place when complete, so an interrupted preparation leaves nothing half-written behind.
     */
    public static void prepareEmbeddedDataIfMissing(TrainConfig config) throws IOException {
        Path data = config.run().data();
        if (Files.isDirectory(data) || !data.equals(TrainConfig.embeddedData(config.run().tokenizer()))) {
            return;
        }
        System.out.printf(Locale.ROOT, "preparing the embedded Moby-Dick corpus in %s (%s tokens) ...%n", data,
                config.run().tokenizer());
        long t0 = System.nanoTime();
        Path tmp = data.resolveSibling(data.getFileName() + ".tmp");
        Tokenizer tokenizer = Dataset.prepare(tmp, Corpora.mobyDickChapters(), 0.1, 1 << 20, config.run().tokenizer());
        Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
        Dataset dataset = Dataset.open(data);
        long validation = Shard.read(dataset.validationShard()).length;
        long training = 0;
        for (Path shard : dataset.trainingShards()) {
            training += Shard.read(shard).length;
        }
        System.out.printf(Locale.ROOT, "%,d training and %,d validation tokens (the first chapters, 10%% of the text) "
                + "of a %,d-token vocabulary, in %.1f s%n", training, validation, tokenizer.vocabSize(),
                (System.nanoTime() - t0) / 1e9);
    }
}
