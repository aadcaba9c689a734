package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Shapes: sizes, strides, axes and NumPy broadcasting. */
class ShapeTest {

    @Test
    void sizesAndStrides() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s.rank()).isEqualTo(3);
        assertThat(s.numel()).isEqualTo(24);
        assertThat(s.strides()).containsExactly(12, 4, 1);
        assertThat(s.outerSize(1)).isEqualTo(2);
        assertThat(s.innerSize(1)).isEqualTo(4);
        assertThat(s.withDim(-1, 7)).isEqualTo(Shape.of(2, 3, 7));
        assertThat(Shape.scalar().numel()).isEqualTo(1);
        assertThat(Shape.scalar().rank()).isZero();
        assertThat(Shape.of(5, 0).numel()).isZero();
    }

    /** 65536⁴ = 2^64 wrapped a long product to 0, so zeros() of it made an empty tensor. */
    @Test
    void aShapeOfMoreElementsThanATensorHoldsIsRefusedWithItsExactSize() {
        assertThatThrownBy(() -> Shape.of(65536, 65536, 65536, 65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(65536, 65536, 65536, 65536)").hasMessageContaining("18446744073709551616 elements")
                .hasMessageContaining("2147483647");
        assertThatThrownBy(() -> Tensor.zeros(65536, 65536, 65536, 65536)).hasMessageContaining("more than a tensor holds");
        assertThatThrownBy(() -> Shape.of(46341, 46341)).hasMessageContaining("2147488281 elements");
        assertThat(Shape.of(Integer.MAX_VALUE).numel()).isEqualTo(Integer.MAX_VALUE);
        assertThat(Shape.of(65536, 65536, 0).numel()).isZero();
    }

    @Test
    void negativeAxesCountFromTheEnd() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s.dim(-1)).isEqualTo(4);
        assertThat(s.dim(-3)).isEqualTo(2);
        assertThat(s.normalizeAxis(-2)).isEqualTo(1);
        assertThatThrownBy(() -> s.dim(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("axis 3").hasMessageContaining("(2, 3, 4)");
        assertThatThrownBy(() -> s.dim(-4)).hasMessageContaining("axis -4");
    }

    @Test
    void dimsIsADefensiveCopy() {
        Shape s = Shape.of(2, 3);
        s.dims()[0] = 9;
        int[] given = {4, 5};
        Shape t = Shape.of(given);
        given[0] = 9;
        assertThat(s).isEqualTo(Shape.of(2, 3));
        assertThat(t).isEqualTo(Shape.of(4, 5));
    }

    @Test
    void equalityAndPrinting() {
        assertThat(Shape.of(2, 3)).isEqualTo(Shape.of(2, 3)).hasSameHashCodeAs(Shape.of(2, 3));
        assertThat(Shape.of(2, 3)).isNotEqualTo(Shape.of(3, 2));
        assertThat(Shape.of(1)).isNotEqualTo(Shape.scalar());
        assertThat(Shape.of(2, 3).toString()).isEqualTo("(2, 3)");
        assertThat(Shape.of(5).toString()).isEqualTo("(5)");
        assertThat(Shape.scalar().toString()).isEqualTo("()");
    }

    @Test
    void broadcastingAlignsFromTheRightAndStretchesOnes() {
        assertThat(Shape.broadcast("t", Shape.of(2, 3), Shape.of(3))).isEqualTo(Shape.of(2, 3));
        assertThat(Shape.broadcast("t", Shape.of(2, 1), Shape.of(1, 3))).isEqualTo(Shape.of(2, 3));
        assertThat(Shape.broadcast("t", Shape.of(4, 1, 5), Shape.of(3, 1))).isEqualTo(Shape.of(4, 3, 5));
        assertThat(Shape.broadcast("t", Shape.scalar(), Shape.of(2, 2))).isEqualTo(Shape.of(2, 2));
        assertThat(Shape.broadcast("t", Shape.scalar(), Shape.scalar())).isEqualTo(Shape.scalar());
        assertThat(Shape.broadcast("t", Shape.of(1), Shape.of(0))).isEqualTo(Shape.of(0));
        assertThat(Shape.broadcast("t", Shape.of(3, 1, 1), Shape.of(1, 1))).isEqualTo(Shape.of(3, 1, 1));
    }

    @Test
    void incompatibleShapesNameTheOpAndBothShapes() {
        assertThatThrownBy(() -> Shape.broadcast("add", Shape.of(2, 3), Shape.of(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("add: shapes (2, 3) and (2) cannot be broadcast together");
        assertThatThrownBy(() -> Shape.broadcast("mul", Shape.of(4, 3), Shape.of(3, 3, 3)))
                .hasMessageContaining("mul").hasMessageContaining("(4, 3)").hasMessageContaining("(3, 3, 3)");
    }

    /** Broadcasting is symmetric and each operand broadcasts to the result. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void broadcastingIsSymmetricAndItsResultAbsorbsBothOperands(long seed) {
        int[][] pair = new RandomShapes(new Rng(seed)).broadcastPair(4);
        Shape a = Shape.of(pair[0]);
        Shape b = Shape.of(pair[1]);
        Shape out = Shape.broadcast("t", a, b);
        assertThat(Shape.broadcast("t", b, a)).isEqualTo(out);
        assertThat(Shape.broadcast("t", a, out)).isEqualTo(out);
        assertThat(Shape.broadcast("t", out, b)).isEqualTo(out);
        assertThat(out.rank()).isEqualTo(Math.max(a.rank(), b.rank()));
    }

    @Test
    void negativeDimensionsAreRefused() {
        assertThatThrownBy(() -> Shape.of(3, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2");
    }
}
