package dev.descent.core;

import java.util.Arrays;
import java.util.List;

/**
 * A transformer MLP as one op: {@code x (.., C)}, {@code fcWeight W1 (H, C)}, {@code fcBias b1 (H)},
 * {@code projWeight W2 (C', H)}, {@code projBias b2 (C')} -> {@code y (.., C')}, with x and y flattened to rows:
 * <pre>
 * h = x·W1ᵀ               the pre-activation, saved             (rows, H)
 * a = gelu(h + b1)        GPT-2's tanh GELU, released at once   (rows, H)
 * y = a·W2ᵀ + b2                                                (rows, C')
 * </pre>
 * Backward recomputes a from h ({@link Backend#biasGelu}, one elementwise pass) rather than holding it, so the op
 * keeps one (rows, H) tensor where Linear, GELU, Linear keep two:
 * <pre>
 * dW2 = gᵀ·a,  db2 = Σ_rows g,  da = g·W2,  du = da ⊙ gelu'(h + b1),  dW1 = duᵀ·x,  db1 = Σ_rows du,  dx = du·W1
 * </pre>
 * Every product reads the weights as stored (transposed-operand matmuls), as {@link Affine} does.
 */
final class GeluMlp implements Op {
    private final Tensor x;
    private final Tensor fcWeight;
    private final Tensor fcBias;
    private final Tensor projWeight;
    private final Tensor projBias;
    private final int rows;
    private Tensor x2;
    private Tensor h;

    GeluMlp(Tensor x, Tensor fcWeight, Tensor fcBias, Tensor projWeight, Tensor projBias) {
        if (x.rank() < 1 || fcWeight.rank() != 2 || projWeight.rank() != 2 || x.dim(-1) != fcWeight.dim(1)
                || projWeight.dim(1) != fcWeight.dim(0) || !fcBias.shape().equals(Shape.of(fcWeight.dim(0)))
                || !projBias.shape().equals(Shape.of(projWeight.dim(0)))) {
            throw new IllegalArgumentException("geluMlp: needs x (.., C), fcWeight (H, C), fcBias (H), projWeight "
                    + "(C', H) and projBias (C'), got " + x.shape() + ", " + fcWeight.shape() + ", " + fcBias.shape()
                    + ", " + projWeight.shape() + " and " + projBias.shape());
        }
        for (Tensor t : List.of(fcWeight, fcBias, projWeight, projBias)) {
            Tensor.sameBackend(name(), x, t);
        }
        this.x = x;
        this.fcWeight = fcWeight;
        this.fcBias = fcBias;
        this.projWeight = projWeight;
        this.projBias = projBias;
        this.rows = Shape.of(Arrays.copyOf(x.shape().dims(), x.rank() - 1)).numel();
    }

    @Override
    public Tensor forward() {
        Backend b = x.backend();
        x2 = x.detach().reshape(rows, fcWeight.dim(1));
        // h = x·W1ᵀ, (rows, C) x (H, C)ᵀ -> (rows, H)
        h = b.matmul(x2, fcWeight, false, true);
        // a = gelu(h + b1)
        Tensor a = b.biasGelu(h, fcBias);
        // y = a·W2ᵀ + b2, (rows, H) x (C', H)ᵀ -> (rows, C'), the bias added in place
        Tensor y = b.matmul(a, projWeight, false, true);
        b.addInto(y, projBias);
        a.storage().release();
        int[] dims = x.shape().dims();
        dims[dims.length - 1] = projWeight.dim(0);
        return y.reshape(dims);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x, fcWeight, fcBias, projWeight, projBias);
    }

    @Override
    public void backward(Tensor g) {
        Backend b = g.backend();
        Tensor g2 = g.reshape(rows, projWeight.dim(0));
        if (projWeight.requiresGrad()) {
            // dW2 = gᵀ·a, a = gelu(h + b1) recomputed and released once used
            Tensor a = b.biasGelu(h, fcBias);
            projWeight.accumulateGrad(b.matmul(g2, a, true, false));
            a.storage().release();
        }
        if (projBias.requiresGrad()) {
            // db2 = Σ_rows g
            projBias.accumulateGrad(g2.sum(0, false));
        }
        if (!(x.requiresGrad() || fcWeight.requiresGrad() || fcBias.requiresGrad())) {
            return;
        }
        // da = g·W2, (rows, C') x (C', H);  du = da ⊙ gelu'(h + b1)
        Tensor da = b.matmul(g2, projWeight, false, false);
        Tensor du = b.biasGeluBackward(da, h, fcBias);
        da.storage().release();
        if (fcBias.requiresGrad()) {
            // db1 = Σ_rows du
            fcBias.accumulateGrad(du.sum(0, false));
        }
        if (fcWeight.requiresGrad()) {
            // dW1 = duᵀ·x, (rows, H)ᵀ x (rows, C)
            fcWeight.accumulateGrad(b.matmul(du, x2, true, false));
        }
        if (x.requiresGrad()) {
            // dx = du·W1, (rows, H) x (H, C)
            x.accumulateGrad(b.matmul(du, fcWeight, false, false).reshape(x.shape().dims()));
        }
    }

    @Override
    public String name() {
        return "geluMlp";
    }
}
