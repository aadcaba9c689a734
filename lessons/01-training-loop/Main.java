package dev.descent.lessons.trainingloop;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Lesson 01: the training loop. Fit a line to noisy points by repeating five steps (forward, loss, backward,
 * update, check for convergence) after one initialisation, first with a hand-written update and then with
 * {@link SGD}, which follows the very same trajectory.
 */
public final class Main {
    static final float TRUE_SLOPE = 2.0f;
    static final float TRUE_INTERCEPT = 0.5f;
    static final float NOISE = 0.1f;
    static final int POINTS = 64;
    static final long DATA_SEED = 1;
    static final long INIT_SEED = 2;
    static final float LR = 0.3f;
    /** Stop once one step lowers the loss by less than this fraction of itself. */
    static final double TOLERANCE = 1e-6;
    static final int MAX_STEPS = 1000;

    /** The data set: inputs x (N, 1) uniform in [−1, 1) and targets y = 2x + 0.5 + 0.1·ε, ε ~ N(0, 1). */
    record Data(Tensor x, Tensor y) {
        static Data make(long seed) {
            Rng rng = new Rng(seed);
            Tensor x = Tensor.rand(rng, POINTS, 1).mul(2).sub(1);
            Tensor noise = Tensor.randn(rng, POINTS, 1).mul(NOISE);
            return new Data(x, x.mul(TRUE_SLOPE).add(TRUE_INTERCEPT).add(noise));
        }
    }

    /** What a run produced: the loss before every update and the line it ended on. */
    record Run(List<Float> losses, float slope, float intercept, boolean converged) {
        int updates() {
            return losses.size() - 1;
        }
    }

    /** θ ← θ − η·∇θ for every parameter, written out; then the gradients are dropped for the next backward. */
    @SuppressWarnings("try")
    static Function<List<Tensor>, Runnable> handWrittenUpdate(float lr) {
        return params -> () -> UpdateStep.apply(params, lr);
    }

    /** The same update, done by the framework's optimizer: plain SGD, no momentum, no weight decay. */
    static Function<List<Tensor>, Runnable> sgdUpdate(float lr) {
        return params -> {
            SGD sgd = new SGD(params).lr(lr);
            return () -> {
                sgd.step();
                sgd.zeroGrad();
            };
        };
    }

    /** The training loop. {@code updateRule} turns the parameter list into the step that updates them. */
    static Run train(Function<List<Tensor>, Runnable> updateRule) {
        Data data = Data.make(DATA_SEED);
        // 1. Initialise: a random slope, a zero intercept.
        Tensor w = Tensor.randn(new Rng(INIT_SEED), 1, 1).requiresGrad(true);
        Tensor b = Tensor.zeros(1).requiresGrad(true);
        Runnable update = updateRule.apply(List.of(w, b));
        List<Float> losses = new ArrayList<>();
        boolean converged = false;
        for (int step = 0; step <= MAX_STEPS && !converged; step++) {
            // 2. Forward: predictions ŷ = x·w + b, shape (N, 1).
            Tensor prediction = data.x().matmul(w).add(b);
            // 3. Loss: mean squared error L = (1/N) Σ (ŷ − y)².
            Tensor loss = prediction.sub(data.y()).pow(2).mean();
            float value = loss.item();
            // 6. Until convergence: stop when the last update barely helped.
            converged = !losses.isEmpty() && losses.get(losses.size() - 1) - value < TOLERANCE * value;
            losses.add(value);
            if (!converged) {
                // 4. Backward: dL/dw and dL/db into w.grad() and b.grad().
                loss.backward();
                // 5. Update the parameters against the gradient.
                update.run();
            }
        }
        return new Run(losses, w.item(), b.item(), converged);
    }

    /** The exact least-squares line, in double: slope = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², intercept = ȳ − slope·x̄. */
    static double[] leastSquares(Data data) {
        float[] x = data.x().toArray();
        float[] y = data.y().toArray();
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < x.length; i++) {
            meanX += x[i] / (double) x.length;
            meanY += y[i] / (double) x.length;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
        }
        double slope = sxy / sxx;
        return new double[] {slope, meanY - slope * meanX};
    }

    public static void main(String[] args) {
        Run byHand = train(handWrittenUpdate(LR));
        System.out.printf(Locale.ROOT, "fit y = w*x + b to %d noisy points of y = %.1f*x + %.1f, lr %.1f%n",
                POINTS, TRUE_SLOPE, TRUE_INTERCEPT, LR);
        for (int step : new int[] {0, 1, 2, 5, 10, 20, 40}) {
            System.out.printf(Locale.ROOT, "  step %3d  loss %.6f%n", step, byHand.losses().get(step));
        }
        System.out.printf(Locale.ROOT, "  converged after %d updates: loss %.6f, w = %.4f, b = %.4f%n",
                byHand.updates(), byHand.losses().get(byHand.updates()), byHand.slope(), byHand.intercept());
        double[] exact = leastSquares(Data.make(DATA_SEED));
        System.out.printf(Locale.ROOT, "  least squares in closed form:    w = %.4f, b = %.4f%n", exact[0], exact[1]);

        Run withSgd = train(sgdUpdate(LR));
        System.out.printf(Locale.ROOT, "the same loop with dev.descent.optim.SGD: %d updates, loss trajectory %s%n",
                withSgd.updates(), withSgd.losses().equals(byHand.losses()) ? "identical, bit for bit" : "DIFFERENT");

        double[] curve = byHand.losses().stream().mapToDouble(Float::doubleValue).toArray();
        Data data = Data.make(DATA_SEED);
        double[] xs = toDoubles(data.x().toArray());
        double[] fitted = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            fitted[i] = byHand.slope() * xs[i] + byHand.intercept();
        }
        Path folder = LessonFolder.of("01-training-loop");
        Plot.lines("Training loss of y = w*x + b, lr " + LR, "update", "mean squared error").series("loss", curve)
                .logY().save(folder.resolve("loss.png"));
        Plot.lines("The data and the fitted line", "x", "y").markers("data", xs, toDoubles(data.y().toArray()))
                .series("fitted line", xs, fitted).save(folder.resolve("fit.png"));
        System.out.println("wrote loss.png and fit.png in " + folder);
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
