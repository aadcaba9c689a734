package dev.descent.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.ParameterGradCheck;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void picksRowsByIdAndAddsRepeatedIdsGradients() {
        Embedding emb = new Embedding(Tensor.fromArray(new float[] {0, 1, 10, 11, 20, 21, 30, 31}, 4, 2));
        Tensor ids = Tensor.fromArray(new float[] {3, 0, 1, 3}, 2, 2);
        Tensor y = emb.forward(ids);
        assertThat(y.shape().dims()).containsExactly(2, 2, 2);
        assertThat(y.toArray()).containsExactly(30, 31, 0, 1, 10, 11, 30, 31);
        y.sum().backward();
        // id 3 appears twice, id 2 never
        assertThat(emb.weight().grad().toArray()).containsExactly(1, 1, 1, 1, 0, 0, 2, 2);
    }

    @Test
    void defaultInitIsStandardNormalAndGradientsCheck() {
        Embedding emb = new Embedding(50, 40, new Rng(1));
        float[] w = emb.weight().toArray();
        double s = 0;
        for (float v : w) {
            s += v * v;
        }
        assertThat(Math.sqrt(s / w.length)).isCloseTo(1, within(0.05));
        Embedding small = new Embedding(5, 3, new Rng(2));
        Tensor ids = Tensor.fromArray(new float[] {4, 1, 1, 0, 2, 4}, 3, 2);
        ParameterGradCheck.check("Embedding", 2, small, () -> small.forward(ids));
        assertThat(small.toString()).isEqualTo("Embedding(5, 3)");
        assertThatThrownBy(() -> new Embedding(Tensor.zeros(3))).hasMessageContaining("needs a weight (V, C), got (3)");
    }
}
