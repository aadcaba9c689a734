package dev.descent.lessons.vanishinggradients;

/**
 * Exercise 16: Kaiming (He) initialisation for ReLU layers. A layer y = W·x with fan-in n and weights of variance
 * s² gives each output a variance n·s²·E[x²]; a ReLU zeroes half of its inputs, so E[x²] is half the variance of
 * the layer before. Keeping the variance the same from layer to layer asks for n·s²/2 = 1.
 */
final class KaimingInit {
    private KaimingInit() {
    }

    /** The standard deviation s of normal weights for a ReLU layer with {@code fanIn} inputs. */
    static float std(int fanIn) {
        return (float) Math.sqrt(2.0 / fanIn);
    }
}
