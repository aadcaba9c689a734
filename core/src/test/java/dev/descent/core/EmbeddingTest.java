package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Row lookup in a (V, C) table by integer ids; repeated ids accumulate their gradients. */
class EmbeddingTest {

    /** A random table {@code (V, C)}, V one of 1, 2, 3, 5, and ids into it of the shape {@code idShape} draws. */
    private record Lookup(Tensor table, Tensor ids) {
        static Lookup random(long seed, Function<RandomShapes, int[]> idShape) {
            Rng rng = new Rng(seed);
            RandomShapes shapes = new RandomShapes(rng);
            int vocab = shapes.oneOf(1, 2, 3, 5);
            int c = shapes.dim();
            RandomTensors values = new RandomTensors(rng);
            Tensor ids = values.integers(vocab, idShape.apply(shapes));
            return new Lookup(values.normal(1, vocab, c), ids);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void gradientWithRepeatedIds(long seed) {
        Lookup l = Lookup.random(seed, shapes -> shapes.shape(0, 3));
        GradCheck.of("embedding of ids " + l.ids().shape(), seed)
                .check(in -> Functional.embedding(in.get(0), l.ids()).pow(2), List.of(l.table()));
    }

    /**
     * A table used by the lookup and by a product with the lookup's rows (a tied GPT's embedding and head): the
     * product's backward runs first and makes the table's gradient, and the lookup's rows are added into it in place
     * ({@link Backend#embeddingBackwardInto}).
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void aTiedTableGetsTheGradientOfBothUses(long seed) {
        Lookup l = Lookup.random(seed, shapes -> new int[] {shapes.between(1, 6)});
        GradCheck.of("tied table, ids " + l.ids().shape(), seed)
                .check(in -> in.get(0).matmul(Functional.embedding(in.get(0), l.ids()).transpose()).pow(2),
                        List.of(l.table()));
    }

    @Test
    void picksRowsInIdOrder() {
        Tensor table = Tensor.arange(8).reshape(4, 2);
        Tensor ids = Tensor.fromArray(new float[] {3, 0, 0, 2, 1, 3}, 2, 3);
        Tensor y = Functional.embedding(table, ids);
        assertThat(y.shape()).isEqualTo(Shape.of(2, 3, 2));
        assertThat(y.toArray()).containsExactly(6, 7, 0, 1, 0, 1, 4, 5, 2, 3, 6, 7);
    }

    @Test
    void aScalarIdGivesOneRow() {
        Tensor table = Tensor.arange(6).reshape(3, 2);
        Tensor y = Functional.embedding(table, Tensor.scalar(2));
        assertThat(y.shape()).isEqualTo(Shape.of(2));
        assertThat(y.toArray()).containsExactly(4, 5);
    }

    @Test
    void repeatedIdsAccumulateAndUnusedRowsGetZero() {
        Tensor table = Tensor.zeros(4, 3).requiresGrad(true);
        Tensor ids = Tensor.fromArray(new float[] {1, 1, 3, 1});
        Tensor upstream = Tensor.fromArray(new float[] {1, 2, 3, 10, 20, 30, 5, 5, 5, 100, 200, 300}, 4, 3);
        Functional.embedding(table, ids).mul(upstream).sum().backward();
        assertThat(table.grad().toArray()).containsExactly(0, 0, 0, 111, 222, 333, 0, 0, 0, 5, 5, 5);
    }
}
