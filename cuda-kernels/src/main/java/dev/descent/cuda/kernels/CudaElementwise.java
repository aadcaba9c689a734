package dev.descent.cuda.kernels;

import dev.descent.core.BinaryOp;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.cuda.memory.CudaTensors;
import java.util.Locale;

/** fill, unary, binary (same shape, scalar, broadcast), where and the in-place add and scale, on {@code elementwise.cu}. */
public final class CudaElementwise {
    private static final int THREADS = 256;

    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaElementwise(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    /** The op codes of {@code elementwise.cu}'s U_* enum; a CPU test checks them against the source. */
    static int code(UnaryOp op) {
        switch (op) {
            case NEG: return 0;
            case EXP: return 1;
            case LOG: return 2;
            case SQRT: return 3;
            case TANH: return 4;
            case SIGMOID: return 5;
            case RELU: return 6;
            case STEP: return 7;
            case ABS: return 8;
            case GELU_TANH: return 9;
            case GELU_TANH_GRAD: return 10;
            case GELU_ERF: return 11;
            case GELU_ERF_GRAD: return 12;
            default: throw new IllegalArgumentException("no CUDA kernel for unary op " + op);
        }
    }

    /** The op codes of {@code elementwise.cu}'s B_* enum. */
    static int code(BinaryOp op) {
        switch (op) {
            case ADD: return 0;
            case SUB: return 1;
            case MUL: return 2;
            case DIV: return 3;
            case POW: return 4;
            case MAX: return 5;
            case EQ: return 6;
            case GT: return 7;
            case LT: return 8;
            default: throw new IllegalArgumentException("no CUDA kernel for binary op " + op);
        }
    }

    public Tensor fill(Shape shape, float value) {
        Tensor out = tensors.empty(shape);
        int n = shape.numel();
        if (n > 0) {
            stream.launch(Kernels.FILL, LaunchShape.strided(n, THREADS), n, value, out);
        }
        return out;
    }

    public Tensor unary(UnaryOp op, Tensor x) {
        Tensor out = tensors.empty(x.shape());
        int n = x.numel();
        if (n > 0) {
            stream.launch(Kernels.UNARY, LaunchShape.strided(n, THREADS), code(op), n, tensors.checked(x), out);
        }
        return out;
    }

    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast(op.name().toLowerCase(Locale.ROOT), a.shape(), b.shape());
        Tensor out = tensors.empty(shape);
        int n = shape.numel();
        if (n == 0) {
            return out;
        }
        if (a.shape().equals(b.shape())) {
            stream.launch(Kernels.BINARY, LaunchShape.strided(n, THREADS), code(op), n, tensors.checked(a),
                    tensors.checked(b), out);
        } else {
            stream.launch(Kernels.BINARY_BCAST, LaunchShape.strided(n, THREADS), code(op), n,
                    StridedLayout.broadcast(shape, a.shape(), b.shape()), tensors.checked(a), tensors.checked(b), out);
        }
        return out;
    }

    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        Tensor out = tensors.empty(a.shape());
        int n = a.numel();
        if (n > 0) {
            stream.launch(Kernels.BINARY_SCALAR, LaunchShape.strided(n, THREADS), code(op), n, tensors.checked(a), s, out);
        }
        return out;
    }

    /** dst += src in place, src broadcast to dst's shape. */
    public void addInto(Tensor dst, Tensor src) {
        int n = dst.numel();
        if (n > 0) {
            stream.launch(Kernels.ADD_INTO, LaunchShape.strided(n, THREADS), n,
                    StridedLayout.broadcast(dst.shape(), src.shape()), tensors.checked(dst), tensors.checked(src));
        }
    }

    /** x *= s in place. */
    public void scale(Tensor x, float s) {
        int n = x.numel();
        if (n > 0) {
            stream.launch(Kernels.SCALE, LaunchShape.strided(n, THREADS), n, s, tensors.checked(x));
        }
    }

    /** y = gelu(h + b), {@code h (.., n)}, {@code bias (n)}: one pass over h. */
    public Tensor biasGelu(Tensor h, Tensor bias) {
        Tensor y = tensors.empty(h.shape());
        int n = h.numel();
        if (n > 0) {
            stream.launch(Kernels.BIAS_GELU, LaunchShape.strided(n, THREADS), n / h.dim(-1), h.dim(-1),
                    tensors.checked(h), tensors.checked(bias), y);
        }
        return y;
    }

    /** du = dy ⊙ gelu'(h + b), recomputing h + b. */
    public Tensor biasGeluBackward(Tensor dy, Tensor h, Tensor bias) {
        Tensor du = tensors.empty(h.shape());
        int n = h.numel();
        if (n > 0) {
            stream.launch(Kernels.BIAS_GELU_BACKWARD, LaunchShape.strided(n, THREADS), n / h.dim(-1), h.dim(-1),
                    tensors.checked(dy), tensors.checked(h), tensors.checked(bias), du);
        }
        return du;
    }

    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        Shape shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor out = tensors.empty(shape);
        int n = shape.numel();
        if (n > 0) {
            stream.launch(Kernels.WHERE, LaunchShape.strided(n, THREADS), n,
                    StridedLayout.broadcast(shape, cond.shape(), a.shape(), b.shape()), tensors.checked(cond),
                    tensors.checked(a), tensors.checked(b), out);
        }
        return out;
    }
}
