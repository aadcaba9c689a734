package dev.descent.core;

/** Elementwise functions of two operands, broadcast by NumPy rules. */
public enum BinaryOp {
    /** a + b */
    ADD,
    /** a - b */
    SUB,
    /** a · b */
    MUL,
    /** a / b */
    DIV,
    /** a^b */
    POW,
    /** max(a, b) */
    MAX,
    /** 1 if a == b else 0 */
    EQ,
    /** 1 if a &gt; b else 0 */
    GT,
    /** 1 if a &lt; b else 0 */
    LT
}
