package dev.descent.core;

/** Elementwise functions a {@link Backend} evaluates; each constant documents its formula. */
public enum UnaryOp {
    /** y = -x */
    NEG,
    /** y = e^x */
    EXP,
    /** y = ln x */
    LOG,
    /** y = √x */
    SQRT,
    /** y = tanh x */
    TANH,
    /** y = 1 / (1 + e^-x) */
    SIGMOID,
    /** y = max(x, 0) */
    RELU,
    /** y = 1 if x > 0 else 0 (the derivative of ReLU) */
    STEP,
    /** y = |x| */
    ABS,
    /** y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))) */
    GELU_TANH,
    /** y = dGELU_TANH/dx */
    GELU_TANH_GRAD,
    /** y = x·Φ(x) = ½x(1 + erf(x/√2)) */
    GELU_ERF,
    /** y = dGELU_ERF/dx = Φ(x) + x·φ(x) */
    GELU_ERF_GRAD
}
