package dev.descent.core;

import java.util.Arrays;
import java.util.List;

/**
 * The affine map of a Linear layer: {@code x (.., in)}, {@code weight (out, in)}, {@code bias (out)} or none
 * -> {@code y (.., out)}, y = x·Wᵀ + b. With x and g flattened to {@code (rows, in)} and {@code (rows, out)}:
 * dL/dx = g·W,  dL/dW = gᵀ·x,  dL/db = Σ_rows g.
 *
 * <p>Every product runs on W as stored, with transposed-operand matmuls, so no transposed copy of W is made;
 * the flattening is a view. The saved state is x's view only.
 */
final class Affine implements Op {
    private final Tensor x;
    private final Tensor weight;
    private final Tensor bias;
    private final int rows;
    private Tensor x2;

    Affine(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() < 1 || weight.rank() != 2 || x.dim(-1) != weight.dim(1)
                || (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0)))) {
            throw new IllegalArgumentException("linear: needs x (.., in), weight (out, in) and bias (out), got "
                    + x.shape() + ", " + weight.shape() + " and " + (bias == null ? "no bias" : bias.shape()));
        }
        Tensor.sameBackend(name(), x, weight);
        if (bias != null) {
            Tensor.sameBackend(name(), x, bias);
        }
        this.x = x;
        this.weight = weight;
        this.bias = bias;
        this.rows = Shape.of(Arrays.copyOf(x.shape().dims(), x.rank() - 1)).numel();
    }

    @Override
    public Tensor forward() {
        Backend b = x.backend();
        x2 = x.detach().reshape(rows, weight.dim(1));
        // y = x·Wᵀ, (rows, in) x (out, in)ᵀ -> (rows, out)
        Tensor y = b.matmul(x2, weight, false, true);
        if (bias != null) {
            // y = y + b, b broadcast over the rows, in place: the op makes one (rows, out) tensor
            b.addInto(y, bias);
        }
        int[] dims = x.shape().dims();
        dims[dims.length - 1] = weight.dim(0);
        return y.reshape(dims);
    }

    @Override
    public List<Tensor> inputs() {
        return bias == null ? List.of(x, weight) : List.of(x, weight, bias);
    }

    @Override
    public void backward(Tensor g) {
        Backend b = g.backend();
        Tensor g2 = g.reshape(rows, weight.dim(0));
        if (x.requiresGrad()) {
            // dx = g·W, (rows, out) x (out, in)
            x.accumulateGrad(b.matmul(g2, weight, false, false).reshape(x.shape().dims()));
        }
        if (weight.requiresGrad()) {
            // dW = gᵀ·x, (rows, out)ᵀ x (rows, in)
            weight.accumulateGrad(b.matmul(g2, x2, true, false));
        }
        if (bias != null && bias.requiresGrad()) {
            // db = Σ_rows g
            bias.accumulateGrad(g2.sum(0, false));
        }
    }

    @Override
    public String name() {
        return "linear";
    }
}
