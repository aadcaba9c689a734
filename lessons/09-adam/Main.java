package dev.descent.lessons.adam;

import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Objective;
import dev.descent.lessons.Plot;
import dev.descent.optim.Adam;
import dev.descent.optim.Optimizer;
import dev.descent.optim.RMSProp;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Lesson 09: Adam = momentum's running mean of g on top of RMSProp's running mean of g², both corrected for
 * starting at zero. Written out on tensors with the bias correction shown, checked against
 * {@code dev.descent.optim.Adam}, and raced against SGD, momentum and RMSProp on the valley.
 */
public final class Main {
    /** f(x, y) = ½(x² + 100y²), the valley of lessons 07 and 08. */
    static final Objective VALLEY = theta -> theta.pow(2).mul(Tensor.fromArray(new float[] {1, 100})).sum().mul(0.5f);
    static final float[] VALLEY_START = {-10, 1};

    /** f(θ) = θ₀ + 100·θ₁: a slope whose gradient (1, 100) never changes, so every average of it is known. */
    static final Objective SLOPE = theta -> theta.mul(Tensor.fromArray(new float[] {1, 100})).sum();
    static final float[] SLOPE_START = {0, 0};

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;
    static final double TOLERANCE = 1e-6;

    /** The averages after step t: m, v and their bias-corrected versions m̂, v̂. */
    record Moments(float[] m, float[] v, float[] mHat, float[] vHat) {
    }

    /** One run: θ₀ … θ_T, and the moments after each step t = 1 … T. */
    record Run(List<float[]> path, List<Moments> moments) {
    }

    /**
     * Adam written out (Kingma and Ba), t counting from 1:
     * <pre>
     * m ← β1·m + (1 − β1)·g          running mean of the gradient (momentum, lesson 07), m₀ = 0
     * v ← β2·v + (1 − β2)·g²         running mean of its square (RMSProp, lesson 08), v₀ = 0
     * m̂ = m/(1 − β1^t)               bias correction: undoes the pull towards the zero start
     * v̂ = v/(1 − β2^t)
     * θ ← θ − lr·m̂/(√v̂ + ε)
     * </pre>
     * With {@code biasCorrection} false, m̂ = m and v̂ = v (the uncorrected rule, to see what the correction does).
     */
    static Run handAdam(Objective f, float[] start, double lr, double beta1, double beta2, double eps,
                        boolean biasCorrection, int steps) {
        Tensor theta = Tensor.fromArray(start);
        Tensor m = Tensor.zeros(start.length);
        Tensor v = Tensor.zeros(start.length);
        List<float[]> path = new ArrayList<>(List.of(theta.toArray()));
        List<Moments> moments = new ArrayList<>();
        for (int t = 1; t <= steps; t++) {
            Tensor g = f.gradient(theta);
            // m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
            m = m.mul((float) beta1).add(g.mul((float) (1 - beta1)));
            v = v.mul((float) beta2).add(g.mul(g).mul((float) (1 - beta2)));
            // m̂ = m/(1 − β1^t) ;  v̂ = v/(1 − β2^t)
            Tensor mHat = biasCorrection ? BiasCorrection.correct(m, beta1, t) : m;
            Tensor vHat = biasCorrection ? BiasCorrection.correct(v, beta2, t) : v;
            // θ ← θ − lr·m̂/(√v̂ + ε)
            theta = theta.sub(mHat.div(vHat.sqrt().add((float) eps)).mul((float) lr));
            path.add(theta.toArray());
            moments.add(new Moments(m.toArray(), v.toArray(), mHat.toArray(), vHat.toArray()));
        }
        return new Run(path, moments);
    }

    /** The framework's Adam with these lr, β1, β2 and ε (no weight decay, no AMSGrad: PyTorch's defaults). */
    static List<float[]> optimAdam(Objective f, float[] start, double lr, int steps) {
        return f.descend(start, params -> new Adam(params).lr(lr).betas(BETA1, BETA2).eps(EPS), steps);
    }

    /**
     * Without bias correction, on a constant gradient, step t is (1 − β1^t)/√(1 − β2^t) times lr: the two
     * averages are too small by different factors, and their ratio is off by this much.
     */
    static double uncorrectedStepOverLr(double beta1, double beta2, int t) {
        return (1 - Math.pow(beta1, t)) / Math.sqrt(1 - Math.pow(beta2, t));
    }

    /** |θ_t,i − θ_{t−1},i|. */
    static float stepSize(List<float[]> path, int t, int i) {
        return Math.abs(path.get(t)[i] - path.get(t - 1)[i]);
    }

    /**
     * The optimizers raced on the valley, each at its best rate in the sweep that main prints (Adam's 0.3 and
     * 1.0 are within 4 steps of each other). Adam comes second so that it gets a clearly visible colour.
     */
    static Map<String, Function<List<Tensor>, Optimizer<?>>> contenders() {
        Map<String, Function<List<Tensor>, Optimizer<?>>> all = new LinkedHashMap<>();
        all.put("SGD, lr 0.019", params -> new SGD(params).lr(0.019));
        all.put("Adam, lr 0.3", params -> new Adam(params).lr(0.3).betas(BETA1, BETA2).eps(EPS));
        all.put("momentum 0.9, lr 0.012", params -> new SGD(params).lr(0.012).momentum(0.9));
        all.put("RMSProp, lr 0.1", params -> new RMSProp(params).lr(0.1).eps(EPS));
        return all;
    }

    /**
     * RMSProp (lr 0.1) on the valley after {@code steps} steps, read from the optimizer's own state: y, and
     * y's effective rate 100·lr/√v_y (curvature times per-parameter rate; plain descent on y is stable below 2).
     */
    static float[] rmsPropYAndItsRate(int steps) {
        Tensor theta = Tensor.fromArray(VALLEY_START).requiresGrad(true);
        RMSProp rmsProp = new RMSProp(List.of(theta)).lr(0.1).eps(EPS);
        for (int t = 0; t < steps; t++) {
            rmsProp.zeroGrad();
            VALLEY.loss(theta).backward();
            rmsProp.step();
        }
        float squareAverageY = rmsProp.state(0).get("square_avg").toArray()[1];
        return new float[] {theta.toArray()[1], (float) (100 * 0.1 / Math.sqrt(squareAverageY))};
    }

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "constant gradient g = (1, 100), beta1 %.1f, beta2 %.3f; first coordinate "
                + "(g = 1):%n", BETA1, BETA2);
        Run corrected = handAdam(SLOPE, SLOPE_START, 0.01, BETA1, BETA2, EPS, true, 1000);
        Run uncorrected = handAdam(SLOPE, SLOPE_START, 0.01, BETA1, BETA2, EPS, false, 1000);
        System.out.println("     t  m        v         m_hat    v_hat    step/lr corrected  uncorrected (both coordinates)");
        for (int t : new int[] {1, 2, 3, 5, 10, 100, 1000}) {
            Moments mo = corrected.moments().get(t - 1);
            System.out.printf(Locale.ROOT, "  %4d  %.4f   %.6f  %.4f   %.4f   %.4f %.4f      %.4f %.4f%n", t, mo.m()[0],
                    mo.v()[0], mo.mHat()[0], mo.vHat()[0], stepSize(corrected.path(), t, 0) / 0.01,
                    stepSize(corrected.path(), t, 1) / 0.01, stepSize(uncorrected.path(), t, 0) / 0.01,
                    stepSize(uncorrected.path(), t, 1) / 0.01);
        }
        System.out.printf(Locale.ROOT, "  uncorrected step 1 = (1-beta1)/sqrt(1-beta2) lr = %.4f lr; with GPT's beta2 "
                + "0.95 it is %.4f lr%n", uncorrectedStepOverLr(BETA1, BETA2, 1), uncorrectedStepOverLr(BETA1, 0.95, 1));

        int compared = 300;
        List<float[]> hand = handAdam(VALLEY, VALLEY_START, 0.3, BETA1, BETA2, EPS, true, compared).path();
        List<float[]> optim = optimAdam(VALLEY, VALLEY_START, 0.3, compared);
        System.out.printf(Locale.ROOT, "hand-written vs dev.descent.optim.Adam on the valley, lr 0.3, %d steps: "
                + "max |difference| %.2e%n", compared, Objective.maxDifference(hand, optim));

        int steps = 1000;
        System.out.printf(Locale.ROOT, "valley from (-10, 1): steps until f stays below %.0e (of %d; - = never)%n",
                TOLERANCE, steps);
        double[] rates = {0.003, 0.01, 0.012, 0.019, 0.03, 0.1, 0.3, 1.0};
        StringBuilder header = new StringBuilder("  lr              ");
        for (double rate : rates) {
            header.append(String.format(Locale.ROOT, "%7s", rate));
        }
        System.out.println(header);
        Map<String, Function<Double, Function<List<Tensor>, Optimizer<?>>>> sweep = new LinkedHashMap<>();
        sweep.put("SGD", lr -> params -> new SGD(params).lr(lr));
        sweep.put("momentum 0.9", lr -> params -> new SGD(params).lr(lr).momentum(0.9));
        sweep.put("RMSProp", lr -> params -> new RMSProp(params).lr(lr).eps(EPS));
        sweep.put("Adam", lr -> params -> new Adam(params).lr(lr).betas(BETA1, BETA2).eps(EPS));
        sweep.forEach((name, make) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-16s", name));
            for (double rate : rates) {
                int reached = VALLEY.stepsToStayBelow(VALLEY.descend(VALLEY_START, make.apply(rate), steps), TOLERANCE);
                row.append(String.format(Locale.ROOT, "%7s", reached < 0 ? "-" : Integer.toString(reached)));
            }
            System.out.println(row);
        });

        float[] late = rmsPropYAndItsRate(400);
        System.out.printf(Locale.ROOT, "RMSProp, lr 0.1, after 400 steps: y = %s, effective rate for y 100*lr/sqrt(v_y)"
                + " = %.2f (above 2, so any y != 0 would grow)%n", late[0], late[1]);

        Path folder = LessonFolder.of("09-adam");
        Plot race = Plot.lines("Four optimizers on f = (x^2 + 100 y^2)/2 from (-10, 1)", "step", "f").logY();
        contenders().forEach((name, make) -> race.series(name, VALLEY.values(VALLEY.descend(VALLEY_START, make, 600))));
        race.save(folder.resolve("race.png"));
        double[] ts = new double[60];
        double[] correctedSteps = new double[ts.length];
        double[] uncorrectedSteps = new double[ts.length];
        double[] gptSteps = new double[ts.length];
        for (int t = 1; t <= ts.length; t++) {
            ts[t - 1] = t;
            correctedSteps[t - 1] = stepSize(corrected.path(), t, 0) / 0.01;
            uncorrectedSteps[t - 1] = uncorrectedStepOverLr(BETA1, BETA2, t);
            gptSteps[t - 1] = uncorrectedStepOverLr(BETA1, 0.95, t);
        }
        Plot.lines("Step size / lr on a constant gradient", "step t", "step / lr")
                .series("bias-corrected", ts, correctedSteps)
                .series("uncorrected, beta2 0.999", ts, uncorrectedSteps)
                .series("uncorrected, beta2 0.95", ts, gptSteps)
                .save(folder.resolve("bias-correction.png"));
        System.out.println("wrote race.png and bias-correction.png in " + folder);
    }
}
