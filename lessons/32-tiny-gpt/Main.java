package dev.descent.lessons.tinygpt;

import dev.descent.core.Autograd;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.gpt.GPT;
import dev.descent.train.TrainConfig;
import dev.descent.train.cli.TrainOptions;
import dev.descent.train.cli.TrainCommand;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import dev.descent.train.data.TextSpan;
import dev.descent.train.data.Tokenizer;
import dev.descent.train.loop.Sampler;
import dev.descent.train.loop.StepLog;
import dev.descent.train.loop.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Lesson 32, the capstone: the tiny GPT on Moby-Dick with descent's own {@link Trainer}, the program behind
 * {@code ./descent train}, cut to about a minute on two cores ({@link #SHORT_RUN}). It prints the validation loss
 * against the two reference points, ln V (a uniform guess) and the unigram model (token frequencies) on the same
 * tokens, in nats per token and bits per character, samples, and draws {@code loss.png}. The full run is
 * {@code ./descent}.
 */
public final class Main {
    /** {@code ./descent train} with these options: the tiny-cpu preset, fewer steps. */
    static final List<String> SHORT_RUN = List.of("--steps", "200", "--warmup", "20", "--eval-every", "50",
            "--eval-batches", "16", "--checkpoint-every", "0", "--out", "runs/lesson-32");
    static final int SAMPLE_TOKENS = 40;

    /** A command that only reads {@code ./descent train}'s settings: the preset and its overrides. */
    @Command
    static final class Settings {
        @Mixin
        TrainOptions options;
    }

    /** The tiny-cpu preset with command-line options applied, exactly as {@code ./descent train} reads them. */
    static TrainConfig config(List<String> options) {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(options.toArray(String[]::new));
        return settings.options.resolve();
    }

    /**
     * The token shards of Moby-Dick in the preset's own byte-pair vocabulary, learned from the book and written
     * first if they are not there, exactly as {@code ./descent} does.
     */
    static Dataset mobyDick(TrainConfig c) throws IOException {
        TrainCommand.prepareEmbeddedDataIfMissing(c);
        return Dataset.open(c.run().data());
    }

    /**
     * The tokens the trainer's validation loss predicts: the targets of its first {@code evalBatches}
     * micro-batches of B·T tokens, read from the start of the validation shard (each target is the next token).
     */
    static int[] validationTargets(Dataset data, TrainConfig c) throws IOException {
        int n = c.run().evalBatches() * c.batch().microBatch() * c.batch().seqLen();
        return Arrays.copyOfRange(Shard.read(data.validationShard()), 1, n + 1);
    }

    /**
     * ln p(true next token) under the model, for each target of {@link #validationTargets}: the same windows of
     * B × T tokens the trainer's validation loss reads, so that −mean is that loss.
     */
    @SuppressWarnings("try")
    static double[] modelLogProbabilities(GPT model, Dataset data, TrainConfig c) throws IOException {
        int[] stream = Shard.read(data.validationShard());
        int window = c.batch().microBatch() * c.batch().seqLen();
        double[] out = new double[c.run().evalBatches() * window];
        model.eval();
        for (int k = 0; k < c.run().evalBatches(); k++) {
            float[] inputs = new float[window];
            for (int i = 0; i < window; i++) {
                inputs[i] = stream[k * window + i];
            }
            try (Autograd.Scope off = Autograd.noGrad(); MemoryScope scope = Backends.cpu().scope()) {
                // ln softmax(logits) (B·T, V): row i is the model's log-distribution over the token after input i
                float[] logp = model.forward(Tensor.fromArray(inputs, c.batch().microBatch(), c.batch().seqLen()))
                        .reshape(window, -1).logSoftmax().toArray();
                int vocab = logp.length / window;
                for (int i = 0; i < window; i++) {
                    out[k * window + i] = logp[i * vocab + stream[k * window + i + 1]];
                }
            }
        }
        return out;
    }

    /** −mean of log-probabilities: the cross-entropy in nats per token. */
    static double crossEntropy(double[] logProbabilities) {
        return -Arrays.stream(logProbabilities).average().orElseThrow();
    }

    public static void main(String[] args) throws IOException {
        TrainConfig c = config(SHORT_RUN);
        System.out.printf(Locale.ROOT, "./descent train %s%n", String.join(" ", SHORT_RUN));
        Dataset data = mobyDick(c);
        Tokenizer tokenizer = data.tokenizer();
        int vocab = c.model().vocab();
        int[] targets = validationTargets(data, c);
        double uniform = Math.log(vocab);
        double[] unigramLogP = Unigram.logProbabilities(data, targets, vocab);
        double unigram = crossEntropy(unigramLogP);

        Trainer trainer = new Trainer(c, Backends.cpu(), "cpu", System.out);
        double before = trainer.validationLoss();
        trainer.run(Integer.MAX_VALUE);
        double after = trainer.validationLoss();

        TextSpan text = TextSpan.of(tokenizer, targets);
        System.out.printf(Locale.ROOT, "validation loss on %,d tokens (%,d characters): nats per token, bits per "
                + "character%n", text.tokens(), text.characters());
        String row = "  %-34s %.4f  %.2f%n";
        System.out.printf(Locale.ROOT, row, "uniform guess, ln V = ln " + vocab, uniform, text.bitsPerCharacter(uniform));
        System.out.printf(Locale.ROOT, row, "the GPT before training", before, text.bitsPerCharacter(before));
        System.out.printf(Locale.ROOT, row, "unigram model (token frequencies)", unigram, text.bitsPerCharacter(unigram));
        System.out.printf(Locale.ROOT, row, "the GPT after " + c.optimization().steps() + " steps", after,
                text.bitsPerCharacter(after));
        // The loss is the mean of −ln p(true token), so e^(−loss) is the geometric mean of those probabilities.
        System.out.printf(Locale.ROOT, "geometric mean of p(true next token): uniform %.2e, unigram %.2e, GPT %.2e "
                + "(GPT / unigram = e^%.4f = %.3f)%n", Math.exp(-uniform), Math.exp(-unigram), Math.exp(-after),
                unigram - after, Math.exp(unigram - after));
        double[] ratio = logRatios(modelLogProbabilities(trainer.model(), data, c), unigramLogP);
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        long better = Arrays.stream(ratio).filter(r -> r > 0).count();
        System.out.printf(Locale.ROOT, "token by token, p_GPT / p_unigram: mean of the logs %.4f; from e^%.2f to e^%.2f, "
                + "median e^%.2f; the GPT gives more probability on %d of %d tokens%n",
                Arrays.stream(ratio).average().orElseThrow(), sorted[0], sorted[sorted.length - 1],
                sorted[sorted.length / 2], better, ratio.length);

        int[] sample = Sampler.generate(trainer.model(), new int[] {tokenizer.endOfText()}, SAMPLE_TOKENS, 0.8, 40,
                new Rng(c.run().seed()));
        System.out.printf(Locale.ROOT, "sample (temperature 0.8, top-k 40): %s%n",
                tokenizer.decode(Arrays.copyOfRange(sample, 1, sample.length)).strip().replaceAll("\\s+", " "));

        Path png = LessonFolder.of("32-tiny-gpt").resolve("loss.png");
        picture(trainer.history(), targets.length, before, uniform, unigram).save(png);
        System.out.println("wrote " + png + "; the full run is ./descent");
    }

    /** ln p_model − ln p_unigram for each token: how many times more probability the model gives it, as a log. */
    static double[] logRatios(double[] model, double[] unigram) {
        double[] out = new double[model.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = model[i] - unigram[i];
        }
        return out;
    }

    /** Training loss per step, validation loss where measured, and the two reference lines. */
    static Plot picture(List<StepLog> history, int validationTokens, double before, double uniform, double unigram) {
        int steps = history.size();
        double[] step = new double[steps];
        double[] loss = new double[steps];
        for (int i = 0; i < steps; i++) {
            step[i] = history.get(i).step() + 1;
            loss[i] = history.get(i).loss();
        }
        List<StepLog> measured = history.stream().filter(s -> s.valLoss() != null).toList();
        double[] valStep = new double[measured.size() + 1];
        double[] val = new double[measured.size() + 1];
        val[0] = before;
        for (int i = 0; i < measured.size(); i++) {
            valStep[i + 1] = measured.get(i).step() + 1;
            val[i + 1] = measured.get(i).valLoss();
        }
        String[] valLabels = Arrays.stream(val).mapToObj(v -> String.format(Locale.ROOT, "%.2f", v))
                .toArray(String[]::new);
        double[] ends = {0, steps};
        return Plot.lines("The tiny GPT on Moby-Dick, " + steps + " steps", "optimizer step", "loss (nats per token)")
                .series("training loss (one step's batch)", step, loss)
                .labelled(String.format(Locale.ROOT, "validation loss (%,d tokens)", validationTokens), valStep, val,
                        valLabels)
                .series(String.format(Locale.ROOT, "uniform guess, ln V = %.2f", uniform), ends,
                        new double[] {uniform, uniform})
                .series(String.format(Locale.ROOT, "unigram model = %.2f", unigram), ends,
                        new double[] {unigram, unigram})
                .yRange(Math.floor(unigram) - 1, Math.ceil(uniform) + 0.5);
    }
}
