package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.DOUBLES;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Shows the JIT every Vector API operator the kernels use, all of them before any kernel runs, so that it never bets
 * a kernel's speed on the few it has seen.
 *
 * <p>Every vector operation of the API ({@code add}, {@code fma}, {@code min}, ...) passes through shared code that
 * C2 inlines into every kernel once per operation: {@code VectorOperators.opCode}, which casts the operator to its
 * class (one class each for unary, binary, associative, ternary, comparison and conversion operators), and
 * {@code VectorOperators.ImplCache.find}, which makes an operator's plain-Java fallback the first time the operator
 * is used. If C2 compiles that code while it has seen one operator class, or before an operator's first use, it
 * bets on what it saw, and the next new operator fails the bet: a trap, and after four the code is compiled again.
 * The traps stay in the shared method's record, and C2 counts them once for every operation it inlines into a
 * kernel: past 100 (the JVM's PerMethodTrapLimit) it stops betting on classes in that whole kernel, calls the
 * vector methods virtually and makes every vector an object. That is how the matmul kernel (36 operations)
 * sometimes ran at a seventh of its speed (on 2026-12-07, about one JVM in eight of MatmulBenchmark;
 * -XX:+LogCompilation showed four traps in {@code opCode} and the kernel's count at 116 = 4 × 29 operations), and
 * how bias + GELU allocated megabytes a call after CpuMatmulTest had run in the same JVM (three traps in
 * {@code find}: 108). Run here first, every operator is used (so no fallback is made later) and the operator
 * classes are mixed in the profile, so C2 compiles that code with plain type checks that never trap. A kernel that
 * uses an operator not listed in {@link #useEveryOperator} should add it there.
 */
final class OperatorProfile {
    /** Rounds of every operator: enough for C1's profiling code to be compiled and to record them. */
    private static final int ROUNDS = 2000;

    private OperatorProfile() {
    }

    /** Runs every operator the kernels use, interleaved. */
    static void useEveryOperator() {
        FloatVector x = FloatVector.broadcast(SPECIES, 0.5f);
        FloatVector y = FloatVector.broadcast(SPECIES, 0.25f);
        DoubleVector squares = DoubleVector.zero(DOUBLES);
        for (int i = 0; i < ROUNDS; i++) {
            FloatVector unary = x.neg().abs().sqrt();
            FloatVector binary = unary.add(y).sub(x).mul(y).div(y).min(x).max(y);
            FloatVector ternary = binary.fma(y, x);
            FloatVector compared = ternary.blend(y, ternary.lt(x));
            IntVector bits = compared.reinterpretAsInts().sub(1).lanewise(VectorOperators.LSHL, 1);
            x = bits.reinterpretAsFloats();
            y = y.add(x.reduceLanes(VectorOperators.ADD) + x.reduceLanes(VectorOperators.MAX));
            DoubleVector widened = (DoubleVector) y.convertShape(VectorOperators.F2D, DOUBLES, i % 2);
            squares = widened.fma(widened, squares);
        }
    }
}
