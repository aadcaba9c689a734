package dev.descent.lessons.weightdecay;

import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Objective;
import dev.descent.lessons.Plot;
import dev.descent.optim.Adam;
import dev.descent.optim.AdamW;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 10: weight decay. An L2 penalty λ/2·Σw² adds λw to the gradient. For SGD that is the same as shrinking
 * every weight by (1 − lr·λ) each step; for Adam it is not, because the division by √v̂ also divides λw. AdamW
 * therefore decays the weights directly. Written out on tensors and checked against {@code optim.SGD},
 * {@code optim.Adam(weightDecay)} and {@code optim.AdamW}; then what decay is for: a regression that overfits
 * without it and generalises with it.
 */
public final class Main {
    /** How steeply the loss holds each weight: a steep one, a shallow one, and one the loss never uses. */
    static final float[] CURVATURE = {100, 1, 0};
    static final float[] TARGET = {1, 1, 0};

    /** f(w) = ½·Σ hᵢ(wᵢ − cᵢ)²: the loss pulls the steep and shallow weights to 1 and ignores the third. */
    static final Objective LOSS = w -> w.sub(Tensor.fromArray(TARGET)).pow(2).mul(Tensor.fromArray(CURVATURE)).sum()
            .mul(0.5f);

    /** The used weights start at 0; the unused one starts at 1, like a leftover of random initialisation. */
    static final float[] START = {0, 0, 1};

    static final double LR = 0.01;
    static final double LAMBDA = 0.1;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;
    static final int STEPS = 2000;
    /** Where AdamW's used weights are read, to show that they keep moving towards 1 after step 2000. */
    static final int[] LONG_RUN = {2000, 5000, 10000};
    /** AdamW runs on to this step; from {@link #SETTLED} on, the used weights are measured by their distance to 1. */
    static final int LONG_RUN_END = 20000;
    static final int SETTLED = 15000;

    /**
     * SGD on the loss plus the L2 penalty λ/2·Σw²:
     * <pre>
     * g ← ∇f(w) + λ·w                the penalty's gradient joins the loss's
     * w ← w − lr·g                   ≡ w·(1 − lr·λ) − lr·∇f(w): a shrink of every weight, then the usual step
     * </pre>
     */
    static List<float[]> handSgd(float[] start, double lr, double lambda, int steps) {
        return handSgd(LOSS, start, lr, lambda, steps);
    }

    /** {@link #handSgd(float[], double, double, int)} on any loss. */
    static List<float[]> handSgd(Objective loss, float[] start, double lr, double lambda, int steps) {
        Tensor w = Tensor.fromArray(start);
        List<float[]> path = new ArrayList<>(List.of(w.toArray()));
        for (int t = 0; t < steps; t++) {
            // g ← ∇f(w) + λ·w
            Tensor g = Decay.coupled(loss.gradient(w), w, lambda);
            // w ← w − lr·g
            w = w.sub(g.mul((float) lr));
            path.add(w.toArray());
        }
        return path;
    }

    /** What Adam carries from step to step: the weights, both running means and the step count t. */
    record AdamState(Tensor w, Tensor m, Tensor v, int t) {
        static AdamState at(float[] start) {
            return new AdamState(Tensor.fromArray(start), Tensor.zeros(start.length), Tensor.zeros(start.length), 0);
        }
    }

    /**
     * One Adam step (lesson 09) with weight decay λ:
     * <pre>
     * coupled (Adam + L2):   g ← ∇f(w) + λ·w                then the Adam step; λ·w is divided by √v̂ too
     * decoupled (AdamW):     w ← w·(1 − lr·λ)               first, apart from the Adam step on the raw ∇f(w)
     * m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g² ;  w ← w − lr·m̂/(√v̂ + ε)
     * </pre>
     */
    static AdamState adamStep(AdamState s, double lr, double lambda, boolean decoupled) {
        return adamStep(LOSS, s, lr, lambda, decoupled);
    }

    /** {@link #adamStep(AdamState, double, double, boolean)} on any loss. */
    static AdamState adamStep(Objective loss, AdamState s, double lr, double lambda, boolean decoupled) {
        Tensor g = loss.gradient(s.w());
        Tensor w = s.w();
        if (decoupled) {
            // w ← w·(1 − lr·λ)
            w = Decay.decoupled(w, lr, lambda);
        } else {
            // g ← g + λ·w
            g = Decay.coupled(g, w, lambda);
        }
        int t = s.t() + 1;
        // m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
        Tensor m = s.m().mul((float) BETA1).add(g.mul((float) (1 - BETA1)));
        Tensor v = s.v().mul((float) BETA2).add(g.mul(g).mul((float) (1 - BETA2)));
        // w ← w − lr·m̂/(√v̂ + ε),  m̂ = m/(1 − β1^t),  v̂ = v/(1 − β2^t)
        Tensor mHat = m.div((float) (1 - Math.pow(BETA1, t)));
        Tensor vHat = v.div((float) (1 - Math.pow(BETA2, t)));
        w = w.sub(mHat.div(vHat.sqrt().add((float) EPS)).mul((float) lr));
        return new AdamState(w, m, v, t);
    }

    /** w₀ … w_steps of Adam with coupled (L2) or decoupled (AdamW) decay λ. */
    static List<float[]> handAdam(float[] start, double lr, double lambda, boolean decoupled, int steps) {
        return handAdam(LOSS, start, lr, lambda, decoupled, steps);
    }

    /** {@link #handAdam(float[], double, double, boolean, int)} on any loss. */
    static List<float[]> handAdam(Objective loss, float[] start, double lr, double lambda, boolean decoupled,
                                  int steps) {
        AdamState s = AdamState.at(start);
        List<float[]> path = new ArrayList<>(List.of(s.w().toArray()));
        for (int t = 0; t < steps; t++) {
            s = adamStep(loss, s, lr, lambda, decoupled);
            path.add(s.w().toArray());
        }
        return path;
    }

    /**
     * How much of each weight this one step's decay removes, in units of lr·λ: from the same state, one step with
     * decay λ and one without, (w_without − w_with)/(lr·λ·w). Exactly 1 means "shrunk by lr·λ of itself".
     */
    static float[] decayThisStepOverLrLambda(AdamState s, double lr, double lambda, boolean decoupled) {
        float[] with = adamStep(s, lr, lambda, decoupled).w().toArray();
        float[] without = adamStep(s, lr, 0, decoupled).w().toArray();
        float[] w = s.w().toArray();
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) ((without[i] - with[i]) / (lr * lambda * w[i]));
        }
        return out;
    }

    /** The state after {@code steps} steps of Adam with decay λ, coupled or decoupled. */
    static AdamState adamAfter(int steps, double lambda, boolean decoupled) {
        AdamState s = AdamState.at(START);
        for (int t = 0; t < steps; t++) {
            s = adamStep(s, LR, lambda, decoupled);
        }
        return s;
    }

    /** The used weights (steep, shallow) of AdamW with decay λ after each step count of {@link #LONG_RUN}. */
    static float[][] adamWLongRun(List<float[]> path) {
        float[][] out = new float[LONG_RUN.length][];
        for (int i = 0; i < LONG_RUN.length; i++) {
            out[i] = path.get(LONG_RUN[i]);
        }
        return out;
    }

    /** AdamW with decay λ from {@link #START} to step {@link #LONG_RUN_END}. */
    static List<float[]> adamWLongPath(double lambda) {
        return handAdam(START, LR, lambda, true, LONG_RUN_END);
    }

    /** The largest |1 − w| of the steep and the shallow weight from step {@code from} to the end of the path. */
    static double largestDistanceToOne(List<float[]> path, int from) {
        double max = 0;
        for (int t = from; t < path.size(); t++) {
            max = Math.max(max, Math.max(Math.abs(1 - path.get(t)[0]), Math.abs(1 - path.get(t)[1])));
        }
        return max;
    }

    /** The state Adam has at step t: |m̂|/√v̂ of weight i, the size of its normalised step in units of lr. */
    static double normalisedStep(AdamState s, int i) {
        double mHat = s.m().toArray()[i] / (1 - Math.pow(BETA1, s.t()));
        double vHat = s.v().toArray()[i] / (1 - Math.pow(BETA2, s.t()));
        return Math.abs(mHat) / (Math.sqrt(vHat) + EPS);
    }

    /** A trained regression: its decay λ, training and validation loss, and weight norm. */
    record Fit(double lambda, double training, double validation, double norm) {
        double gap() {
            return validation - training;
        }
    }

    /**
     * Full-batch training of {@link NoisyRegression} from w = 0 for {@code steps} steps: SGD with the L2 penalty
     * (the same as decay for SGD) or AdamW with decoupled decay, both written out above.
     */
    static Fit fit(NoisyRegression data, boolean adamW, double lr, double lambda, int steps) {
        float[] start = new float[NoisyRegression.FEATURES];
        List<float[]> path = adamW ? handAdam(data.trainingLoss(), start, lr, lambda, true, steps)
                : handSgd(data.trainingLoss(), start, lr, lambda, steps);
        float[] w = path.get(path.size() - 1);
        return new Fit(lambda, data.trainingLoss(w), data.validationLoss(w), norm(w));
    }

    static final long REGRESSION_SEED = 10;
    static final int REGRESSION_STEPS = 2000;
    static final double REGRESSION_SGD_LR = 0.1;
    static final double REGRESSION_ADAMW_LR = 0.01;

    static List<float[]> optimSgd(double lr, double lambda, int steps) {
        return LOSS.descend(START, params -> new SGD(params).lr(lr).weightDecay(lambda), steps);
    }

    static List<float[]> optimAdam(double lr, double lambda, int steps) {
        return LOSS.descend(START, params -> new Adam(params).lr(lr).betas(BETA1, BETA2).eps(EPS).weightDecay(lambda),
                steps);
    }

    static List<float[]> optimAdamW(double lr, double lambda, int steps) {
        return LOSS.descend(START, params -> new AdamW(params).lr(lr).betas(BETA1, BETA2).eps(EPS).weightDecay(lambda),
                steps);
    }

    /** The minimum of f(w) + λ/2·Σw²: per weight hᵢcᵢ/(hᵢ + λ), so 0 for a weight the loss does not use. */
    static double[] penalizedMinimum(double lambda) {
        double[] out = new double[CURVATURE.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = CURVATURE[i] * TARGET[i] / (CURVATURE[i] + lambda);
        }
        return out;
    }

    static double norm(float[] w) {
        double sum = 0;
        for (float x : w) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    static double[] norms(List<float[]> path) {
        double[] out = new double[path.size()];
        for (int t = 0; t < out.length; t++) {
            out[t] = norm(path.get(t));
        }
        return out;
    }

    /**
     * Training and validation loss against λ (log scale) for SGD + L2 and AdamW; λ = 0 cannot stand on a log axis,
     * so the undecayed losses (the same for both: full-batch descent from 0 reaches the same fit) are lines.
     */
    private static Plot gapPicture(List<Fit> sgd, List<Fit> adamW) {
        Plot plot = Plot.lines("What decay is for: 20 weights fitted to 30 noisy points", "lambda (log scale)",
                "mean squared error");
        for (List<Fit> fits : List.of(sgd, adamW)) {
            String name = fits == sgd ? "SGD + L2" : "AdamW";
            List<Fit> decayed = fits.subList(1, fits.size());
            double[] lambdas = decayed.stream().mapToDouble(Fit::lambda).toArray();
            plot.series(name + ", validation", lambdas, decayed.stream().mapToDouble(Fit::validation).toArray());
            plot.series(name + ", training", lambdas, decayed.stream().mapToDouble(Fit::training).toArray());
        }
        double[] ends = {0.1, 3};
        Fit none = sgd.get(0);
        plot.series(String.format(Locale.ROOT, "no decay, validation %.2f", none.validation()), ends,
                new double[] {none.validation(), none.validation()});
        plot.series(String.format(Locale.ROOT, "no decay, training %.2f", none.training()), ends,
                new double[] {none.training(), none.training()});
        return plot.logX();
    }

    private static void printFit(String name, Fit fit) {
        System.out.printf(Locale.ROOT, "  %-18s %6.1f %9.4f %11.4f %7.4f %7.3f%n", name, fit.lambda(), fit.training(),
                fit.validation(), fit.gap(), fit.norm());
    }

    private static void row(String name, List<float[]> path) {
        float[] w = path.get(path.size() - 1);
        System.out.printf(Locale.ROOT, "  %-22s %8.4f %8.4f %8.4f   %.4f%n", name, w[0], w[1], w[2], norm(w));
    }

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "f(w) = (100 (w0 - 1)^2 + (w1 - 1)^2)/2, w2 unused; from (0, 0, 1); lr %.2f, "
                + "%d steps%n", LR, STEPS);
        System.out.printf(Locale.ROOT, "  %-22s %8s %8s %8s   %s%n", "optimizer", "steep", "shallow", "unused", "norm");
        row("SGD", handSgd(START, LR, 0, STEPS));
        row("SGD + L2, lambda 0.1", handSgd(START, LR, LAMBDA, STEPS));
        row("Adam", handAdam(START, LR, 0, false, STEPS));
        List<float[]> adamL2 = handAdam(START, LR, LAMBDA, false, STEPS);
        row("Adam + L2, lambda 0.1", adamL2);
        row("AdamW, lambda 0.1", handAdam(START, LR, LAMBDA, true, STEPS));
        double[] minimum = penalizedMinimum(LAMBDA);
        System.out.printf(Locale.ROOT, "  minimum of f + lambda/2 |w|^2: (%.4f, %.4f, %.4f); (1 - lr lambda)^%d = %.4f%n",
                minimum[0], minimum[1], minimum[2], STEPS, Math.pow(1 - LR * LAMBDA, STEPS));

        System.out.printf(Locale.ROOT, "decay removed by step 51, in units of lr*lambda*w (lambda %.1f; same state, "
                + "with and without decay):%n", LAMBDA);
        for (boolean decoupled : new boolean[] {false, true}) {
            float[] rate = decayThisStepOverLrLambda(adamAfter(50, LAMBDA, decoupled), LR, LAMBDA, decoupled);
            System.out.printf(Locale.ROOT, "  %-10s steep %.4f  shallow %.4f  unused %.4f%n",
                    decoupled ? "AdamW" : "Adam + L2", rate[0], rate[1], rate[2]);
        }
        List<float[]> adamL2Big = handAdam(START, LR, 0.1, false, 300);
        List<float[]> adamL2Small = handAdam(START, LR, 0.01, false, 300);
        System.out.printf(Locale.ROOT, "unused weight under Adam + L2 after 50/100/150/300 steps: lambda 0.1: %.4f %.4f "
                        + "%.4f %.1e, lambda 0.01: %.4f %.4f %.4f %.1e; after %d steps %.1e%n", adamL2Big.get(50)[2],
                adamL2Big.get(100)[2], adamL2Big.get(150)[2], adamL2Big.get(300)[2], adamL2Small.get(50)[2],
                adamL2Small.get(100)[2], adamL2Small.get(150)[2], adamL2Small.get(300)[2], STEPS,
                adamL2.get(STEPS)[2]);

        int compared = 300;
        System.out.printf(Locale.ROOT, "hand-written vs dev.descent.optim, %d steps, lambda 0.1: max |difference| "
                        + "SGD %s, Adam %.2e, AdamW %.2e%n", compared,
                Objective.maxDifference(handSgd(START, LR, LAMBDA, compared), optimSgd(LR, LAMBDA, compared)),
                Objective.maxDifference(handAdam(START, LR, LAMBDA, false, compared), optimAdam(LR, LAMBDA, compared)),
                Objective.maxDifference(handAdam(START, LR, LAMBDA, true, compared), optimAdamW(LR, LAMBDA, compared)));

        List<float[]> longPath = adamWLongPath(LAMBDA);
        float[][] longRun = adamWLongRun(longPath);
        System.out.printf(Locale.ROOT, "AdamW, lambda %.1f, run on: the used weights keep moving towards 1%n", LAMBDA);
        System.out.printf(Locale.ROOT, "  %-10s", "step");
        for (int t : LONG_RUN) {
            System.out.printf(Locale.ROOT, " %9d", t);
        }
        System.out.println();
        for (int i = 0; i < 2; i++) {
            System.out.printf(Locale.ROOT, "  %-10s", i == 0 ? "steep" : "shallow");
            for (float[] w : longRun) {
                System.out.printf(Locale.ROOT, " %9.5f", w[i]);
            }
            System.out.println();
        }
        System.out.printf(Locale.ROOT, "  steps %d-%d: both within %.4f of 1, swung around it by Adam's steps of up "
                + "to lr%n", SETTLED, LONG_RUN_END, largestDistanceToOne(longPath, SETTLED));
        AdamState atEnd = adamAfter(STEPS, LAMBDA, true);
        System.out.printf(Locale.ROOT, "  at step %d the steep weight's |m_hat|/sqrt(v_hat) is %.4f, about "
                        + "lambda*w = %.4f: Adam's pull equals the decay only while v_hat remembers the first "
                        + "gradients%n", STEPS,
                normalisedStep(atEnd, 0), LAMBDA * atEnd.w().toArray()[0]);

        NoisyRegression data = NoisyRegression.draw(REGRESSION_SEED);
        System.out.printf(Locale.ROOT, "what decay is for: y = x.w* + noise (sd 1), %d features, %d training and %d "
                        + "validation points, %d full-batch steps from w = 0%n", NoisyRegression.FEATURES,
                NoisyRegression.TRAINING, NoisyRegression.VALIDATION, REGRESSION_STEPS);
        System.out.printf(Locale.ROOT, "  %-18s %6s %9s %11s %7s %7s%n", "optimizer", "lambda", "training", "validation",
                "gap", "|w|");
        List<Fit> sgdFits = new ArrayList<>();
        for (double lambda : new double[] {0, 0.1, 0.3, 1, 3}) {
            sgdFits.add(fit(data, false, REGRESSION_SGD_LR, lambda, REGRESSION_STEPS));
            printFit("SGD + L2, lr 0.1", sgdFits.get(sgdFits.size() - 1));
        }
        List<Fit> adamWFits = new ArrayList<>();
        for (double lambda : new double[] {0, 0.1, 1, 3}) {
            adamWFits.add(fit(data, true, REGRESSION_ADAMW_LR, lambda, REGRESSION_STEPS));
            printFit("AdamW, lr 0.01", adamWFits.get(adamWFits.size() - 1));
        }

        Path folder = LessonFolder.of("10-weight-decay");
        List<float[]> adamWBig = handAdam(START, LR, 0.1, true, compared);
        List<float[]> adamWSmall = handAdam(START, LR, 0.01, true, compared);
        Plot.lines("The unused weight (no loss gradient, only decay)", "step", "w2")
                .series("Adam + L2, lambda 0.1 and 0.01 (same curve)", Objective.coordinate(adamL2Big, 2))
                .series("AdamW (and SGD), lambda 0.1", Objective.coordinate(adamWBig, 2))
                .series("AdamW, lambda 0.01", Objective.coordinate(adamWSmall, 2))
                .save(folder.resolve("unused-weight.png"));
        Plot.lines("Weight norm, lambda 0.1", "step", "|w|")
                .series("SGD + L2", norms(handSgd(START, LR, LAMBDA, STEPS)))
                .series("Adam + L2", norms(handAdam(START, LR, LAMBDA, false, STEPS)))
                .series("AdamW", norms(handAdam(START, LR, LAMBDA, true, STEPS)))
                .save(folder.resolve("norm.png"));
        double[] steps = new double[longPath.size() - 1];
        double[] steepGap = new double[steps.length];
        double[] shallowGap = new double[steps.length];
        for (int t = 1; t < longPath.size(); t++) {
            steps[t - 1] = t;
            steepGap[t - 1] = Math.abs(1 - longPath.get(t)[0]);
            shallowGap[t - 1] = Math.abs(1 - longPath.get(t)[1]);
        }
        Plot.lines("AdamW, lambda 0.1: the used weights keep closing in on 1", "step", "|1 - w| (log scale)")
                .series("steep weight", steps, steepGap).series("shallow weight", steps, shallowGap).logY()
                .save(folder.resolve("adamw-long-run.png"));
        gapPicture(sgdFits, adamWFits).save(folder.resolve("gap.png"));
        System.out.println("wrote unused-weight.png, norm.png, adamw-long-run.png and gap.png in " + folder);
    }
}
