package dev.descent.lessons.scalinglaws;

import dev.descent.core.Autograd;
import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.optim.Adam;
import dev.descent.optim.LrSchedule;
import dev.descent.optim.SGD;
import dev.descent.train.data.Corpora;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lesson 31: scaling laws. Train a family of character-level language models that differ only in width, for
 * the same token budget on the same slice of Moby-Dick, and fit Kaplan et al.'s L(N) = (N_c / N)^α to their
 * validation losses by least squares on log L = α·log N_c − α·log N.
 */
public final class Main {
    /** Characters of context each model sees. */
    static final int CONTEXT = 8;
    /** Width of each character's embedding. */
    static final int EMBEDDING = 16;
    /** The sweep Main runs: five widths, 500 steps of 256 characters each (128,000 predicted characters). */
    static final Sweep MAIN_SWEEP = new Sweep(new int[] {4, 8, 16, 32, 64}, 500, 256, 1e-2, 29);

    /** Text as character ids: {@code vocab} = the characters of the training text, plus one id for the rest. */
    record Corpus(int[] train, int[] validation, int vocab) {
    }

    /** Which widths to train, and the budget every one of them gets: the same steps, batches and schedule. */
    record Sweep(int[] widths, int steps, int batch, double lr, long seed) {
        long tokens() {
            return (long) steps * batch;
        }
    }

    /** One trained model: its width, non-embedding parameter count N, final validation loss, loss per step. */
    record Run(int width, long parameters, double validationLoss, double[] trainingLoss) {
    }

    /** L(N) = (N_c / N)^α, with the R² of the straight-line fit in log-log coordinates. */
    record PowerLaw(double alpha, double nc, double rSquared) {
        double loss(double n) {
            return Math.pow(nc / n, alpha);
        }

        /** ln L_i − ln L(N_i): how far each measured point lies above (+) or below (−) the fitted line. */
        double[] residuals(double[] n, double[] losses) {
            double[] out = new double[n.length];
            for (int i = 0; i < n.length; i++) {
                out[i] = Math.log(losses[i]) - Math.log(loss(n[i]));
            }
            return out;
        }
    }

    /** Whether consecutive residuals change sign every time: scatter around the line, not a bend away from it. */
    static boolean signsAlternate(double[] residuals) {
        for (int i = 1; i < residuals.length; i++) {
            if (Math.signum(residuals[i]) == Math.signum(residuals[i - 1])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first {@code trainChars} characters of Moby-Dick (from chapter 1 on) for training and the next
     * {@code validationChars} for validation: text the models never see while training.
     */
    static Corpus mobyDick(int trainChars, int validationChars) {
        String book = String.join("\n\n", Corpora.mobyDickChapters());
        return corpus(book.substring(0, trainChars), book.substring(trainChars, trainChars + validationChars));
    }

    /**
     * Character ids, the vocabulary taken from {@code train}; a validation character not in it maps to one
     * extra id.
     */
    static Corpus corpus(String train, String validation) {
        Map<Character, Integer> ids = new TreeMap<>();
        for (char ch : train.toCharArray()) {
            ids.putIfAbsent(ch, 0);
        }
        int next = 0;
        for (Map.Entry<Character, Integer> e : ids.entrySet()) {
            e.setValue(next++);
        }
        int unknown = next;
        return new Corpus(encode(train, ids, unknown), encode(validation, ids, unknown), unknown + 1);
    }

    private static int[] encode(String text, Map<Character, Integer> ids, int unknown) {
        int[] out = new int[text.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(text.charAt(i), unknown);
        }
        return out;
    }

    /** The contexts ids[s..s+K) (B, K) and the next characters ids[s+K] (B) for every start s. */
    static Tensor[] examples(int[] ids, int[] starts) {
        float[] contexts = new float[starts.length * CONTEXT];
        float[] targets = new float[starts.length];
        for (int b = 0; b < starts.length; b++) {
            for (int k = 0; k < CONTEXT; k++) {
                contexts[b * CONTEXT + k] = ids[starts[b] + k];
            }
            targets[b] = ids[starts[b] + CONTEXT];
        }
        return new Tensor[] {Tensor.fromArray(contexts, starts.length, CONTEXT),
            Tensor.fromArray(targets, starts.length)};
    }

    /** Mean cross-entropy (nats per character) over every position of {@code ids}. */
    @SuppressWarnings("try")
    static double loss(MlpLanguageModel model, int[] ids) {
        int[] starts = new int[ids.length - CONTEXT];
        for (int s = 0; s < starts.length; s++) {
            starts[s] = s;
        }
        Tensor[] xy = examples(ids, starts);
        try (var off = Autograd.noGrad()) {
            return Functional.crossEntropy(model.forward(xy[0]), xy[1]).item();
        }
    }

    /**
     * Trains one model of the given width with Adam, warmup then cosine decay, on random windows of the training
     * text. The windows depend only on the sweep's seed, so every width sees exactly the same data.
     */
    static Run train(Corpus corpus, int width, Sweep sweep) {
        MlpLanguageModel model = new MlpLanguageModel(corpus.vocab(), CONTEXT, EMBEDDING, width,
                new Rng(sweep.seed() * 1000 + width));
        Adam adam = new Adam(model.parameters()).lr(sweep.lr()).betas(0.9, 0.99);
        LrSchedule schedule = LrSchedule.warmupCosine(sweep.lr(), sweep.lr() / 10,
                Math.max(1, sweep.steps() / 25), sweep.steps());
        Rng data = new Rng(sweep.seed());
        double[] curve = new double[sweep.steps()];
        int[] starts = new int[sweep.batch()];
        for (int step = 0; step < sweep.steps(); step++) {
            for (int b = 0; b < starts.length; b++) {
                starts[b] = data.nextInt(corpus.train().length - CONTEXT);
            }
            Tensor[] xy = examples(corpus.train(), starts);
            schedule.apply(adam, step);
            adam.zeroGrad();
            Tensor loss = Functional.crossEntropy(model.forward(xy[0]), xy[1]);
            loss.backward();
            adam.step();
            curve[step] = loss.item();
        }
        return new Run(width, model.nonEmbeddingParameters(), loss(model, corpus.validation()), curve);
    }

    static List<Run> sweep(Corpus corpus, Sweep sweep) {
        List<Run> runs = new ArrayList<>();
        for (int width : sweep.widths()) {
            runs.add(train(corpus, width, sweep));
        }
        return runs;
    }

    /** N counted by hand: hidden layer K·D·H weights + H biases, output layer H·V weights + V biases. */
    static long nonEmbeddingParametersByHand(int vocab, int width) {
        return (long) CONTEXT * EMBEDDING * width + width + (long) width * vocab + vocab;
    }

    /**
     * The same line found the other way: descent's autograd and SGD minimise the mean squared error
     * mean((a + b·(x − x̄) − y)²) over (a, b). Centring x decouples a from b, so plain gradient descent
     * converges quickly. Returns {α = −b, N_c}.
     */
    static double[] fitByGradientDescent(double[] parameters, double[] losses, int steps) {
        int n = parameters.length;
        float[] x = new float[n];
        float[] y = new float[n];
        double xMean = 0;
        for (int i = 0; i < n; i++) {
            xMean += Math.log(parameters[i]) / n;
        }
        for (int i = 0; i < n; i++) {
            x[i] = (float) (Math.log(parameters[i]) - xMean);
            y[i] = (float) Math.log(losses[i]);
        }
        Tensor xs = Tensor.fromArray(x, n);
        Tensor ys = Tensor.fromArray(y, n);
        Tensor a = Tensor.zeros(1).requiresGrad(true);
        Tensor b = Tensor.zeros(1).requiresGrad(true);
        SGD sgd = new SGD(List.of(a, b)).lr(0.2);
        for (int step = 0; step < steps; step++) {
            sgd.zeroGrad();
            a.add(b.mul(xs)).sub(ys).pow(2).mean().backward();
            sgd.step();
        }
        double alpha = -b.item();
        // ln L = a + b·(ln N − x̄) = (a − b·x̄) + b·ln N, so α·ln N_c = a − b·x̄
        return new double[] {alpha, Math.exp((a.item() + alpha * xMean) / alpha)};
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        Corpus corpus = mobyDick(250_000, 25_000);
        Sweep sweep = MAIN_SWEEP;
        System.out.printf(Locale.ROOT, "Moby-Dick: %,d training and %,d validation characters, vocabulary %d "
                + "(ln V = %.2f nats for a uniform guess)%n", corpus.train().length, corpus.validation().length,
                corpus.vocab(), Math.log(corpus.vocab()));
        System.out.printf(Locale.ROOT, "models: %d characters of context, embedding %d, one tanh layer of width H; "
                + "each trained %d steps x %d = %,d characters, Adam lr %.0e with warmup + cosine%n",
                CONTEXT, EMBEDDING, sweep.steps(), sweep.batch(), sweep.tokens(), sweep.lr());
        List<Run> runs = sweep(corpus, sweep);
        double[] n = new double[runs.size()];
        double[] losses = new double[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            n[i] = r.parameters();
            losses[i] = r.validationLoss();
            System.out.printf(Locale.ROOT, "  H = %3d: N = %,7d non-embedding parameters, validation loss %.4f "
                    + "nats/char%n", r.width(), r.parameters(), r.validationLoss());
        }
        PowerLaw law = PowerLawFit.of(n, losses);
        double[] descended = fitByGradientDescent(n, losses, 300);
        System.out.printf(Locale.ROOT, "least squares on log L = a - alpha log N: alpha = %.4f, N_c = %.3g, "
                + "R^2 = %.4f%n", law.alpha(), law.nc(), law.rSquared());
        System.out.printf(Locale.ROOT, "the same fit by autograd + SGD:             alpha = %.4f, N_c = %.3g%n",
                descended[0], descended[1]);
        double[] residuals = law.residuals(n, losses);
        StringBuilder listed = new StringBuilder();
        for (double r : residuals) {
            listed.append(String.format(Locale.ROOT, " %+.3f", r));
        }
        System.out.printf(Locale.ROOT, "residuals ln L - ln L_fit, smallest model first:%s (signs %s)%n", listed,
                signsAlternate(residuals) ? "alternate" : "do not alternate");
        System.out.printf(Locale.ROOT, "doubling N multiplies the loss by 2^-alpha = %.4f; Kaplan et al. (2020) "
                + "measured alpha_N = 0.076 for transformers on web text%n", Math.pow(2, -law.alpha()));
        System.out.printf(Locale.ROOT, "sweep took %.1f s%n", (System.nanoTime() - start) / 1e9);
        writeCharts(runs, law, sweep);
    }

    private static void writeCharts(List<Run> runs, PowerLaw law, Sweep sweep) {
        Path folder = LessonFolder.of("31-scaling-laws");
        double[] n = runs.stream().mapToDouble(Run::parameters).toArray();
        double[] measured = runs.stream().mapToDouble(Run::validationLoss).toArray();
        double[] fitted = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            fitted[i] = law.loss(n[i]);
        }
        String title = String.format(Locale.ROOT, "Validation loss vs size: L(N) = (%.3g / N)^%.3f", law.nc(),
                law.alpha());
        String[] widths = runs.stream().map(r -> "H = " + r.width()).toArray(String[]::new);
        Plot.lines(title, "N, non-embedding parameters", "validation loss, nats per character")
                .labelled("trained models", n, measured, widths)
                .series("fitted power law", n, fitted)
                .logX().logY()
                .save(folder.resolve("loss-vs-size.png"));
        double[] residuals = law.residuals(n, measured);
        Plot.lines("Residuals of the fit: ln L - ln L_fit", "N, non-embedding parameters",
                        "residual, nats (ln L - ln L_fit)")
                .labelled("trained models", n, residuals, widths)
                .series("the fitted line", new double[] {n[0], n[n.length - 1]}, new double[] {0, 0})
                .logX()
                .save(folder.resolve("residuals.png"));

        Plot curves = Plot.lines("Training loss (moving average) vs characters seen", "characters seen",
                "training loss (nats/char)");
        for (Run r : runs) {
            double[] tokens = new double[r.trainingLoss().length];
            double[] smooth = new double[tokens.length];
            double ema = r.trainingLoss()[0];
            for (int s = 0; s < tokens.length; s++) {
                ema = 0.95 * ema + 0.05 * r.trainingLoss()[s];
                tokens[s] = (double) (s + 1) * sweep.batch();
                smooth[s] = ema;
            }
            curves.series("H = " + r.width() + ", N = " + r.parameters(), tokens, smooth);
        }
        curves.save(folder.resolve("training-curves.png"));
        System.out.println("wrote loss-vs-size.png, residuals.png and training-curves.png in " + folder);
    }
}
