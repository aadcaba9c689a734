package dev.descent.nn;

import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.function.Supplier;

/**
 * Initial values for parameters, each drawn from an explicit generator (there is no hidden global randomness).
 * Every method returns a new tensor of the given dimensions on the default backend and releases its temporaries
 * before it returns, so initialising a model holds its parameters and the temporaries of one at most.
 *
 * <p>Fans follow PyTorch: for a weight {@code (out, in, k..)}, fanIn = in·Πk and fanOut = out·Πk.
 */
public final class Init {
    /** The recommended gain for ReLU, √2. */
    public static final float GAIN_RELU = (float) Math.sqrt(2.0);
    /** The recommended gain for tanh, 5/3. */
    public static final float GAIN_TANH = 5f / 3f;

    private Init() {
    }

    public static Tensor zeros(int... dims) {
        return Tensor.zeros(dims);
    }

    public static Tensor ones(int... dims) {
        return Tensor.ones(dims);
    }

    /** Values from N(mean, std²). */
    public static Tensor normal(Rng rng, float mean, float std, int... dims) {
        return withoutTemporaries(() -> Tensor.randn(rng, dims).mul(std).add(mean));
    }

    /** Values from U(low, high): low + (high − low)·u with u ~ U(0, 1). */
    public static Tensor uniform(Rng rng, float low, float high, int... dims) {
        return withoutTemporaries(() -> Tensor.rand(rng, dims).mul(high - low).add(low));
    }

    /** The tensor {@code values} makes, the others it makes on the way released. */
    private static Tensor withoutTemporaries(Supplier<Tensor> values) {
        try (MemoryScope temps = Backends.defaultBackend().scope()) {
            Tensor t = values.get();
            temps.keep(t);
            return t;
        }
    }

    /** Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Rng rng, float gain, int... dims) {
        float a = (float) (gain * Math.sqrt(6.0 / (fanIn(dims) + fanOut(dims))));
        return uniform(rng, -a, a, dims);
    }

    /** Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Rng rng, float gain, int... dims) {
        return normal(rng, 0f, (float) (gain * Math.sqrt(2.0 / (fanIn(dims) + fanOut(dims)))), dims);
    }

    /** He/Kaiming uniform in fan-in mode: U(−b, b) with b = gain·√(3 / fanIn). */
    public static Tensor kaimingUniform(Rng rng, float gain, int... dims) {
        float b = (float) (gain * Math.sqrt(3.0 / fanIn(dims)));
        return uniform(rng, -b, b, dims);
    }

    /** He/Kaiming normal in fan-in mode: N(0, std²) with std = gain / √fanIn. */
    public static Tensor kaimingNormal(Rng rng, float gain, int... dims) {
        return normal(rng, 0f, (float) (gain / Math.sqrt(fanIn(dims))), dims);
    }

    /** The gain for leaky ReLU with negative slope a: √(2 / (1 + a²)). */
    public static float leakyReluGain(float a) {
        return (float) Math.sqrt(2.0 / (1 + a * a));
    }

    /** in·Πk for a weight {@code (out, in, k..)}. */
    public static int fanIn(int... dims) {
        return checkWeight(dims)[1] * receptiveField(dims);
    }

    /** out·Πk for a weight {@code (out, in, k..)}. */
    public static int fanOut(int... dims) {
        return checkWeight(dims)[0] * receptiveField(dims);
    }

    private static int receptiveField(int[] dims) {
        int r = 1;
        for (int i = 2; i < dims.length; i++) {
            r *= dims[i];
        }
        return r;
    }

    private static int[] checkWeight(int[] dims) {
        if (dims.length < 2) {
            throw new IllegalArgumentException("fan in/out needs a weight of rank >= 2 (out, in, ..), got rank "
                    + dims.length);
        }
        return dims;
    }
}
