package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void gradients() {
        Rng rng = new Rng(1);
        GradCheck.of("mlp", 1).check(in -> in.get(0).matmul(in.get(1)).add(in.get(2)).gelu().softmax()
                        .mul(in.get(0).sum(1, true)).logSoftmax().mean(0, true).max(1, false),
                List.of(Tensor.randn(rng, 3, 4), Tensor.randn(rng, 4, 5), Tensor.randn(rng, 5)));
        GradCheck.of("ln", 2).check(in -> Functional.layerNorm(in.get(0), in.get(1), in.get(2), 1e-5f),
                List.of(Tensor.randn(rng, 3, 4), Tensor.randn(rng, 4), Tensor.randn(rng, 4)));
        Tensor t = Tensor.fromArray(new float[] {0, 2, 1}, 3);
        GradCheck.of("ce", 3).check(in -> Functional.crossEntropy(in.get(0), t, Reduction.MEAN, 1, 0.1f),
                List.of(Tensor.randn(rng, 3, 4)));
        GradCheck.of("bmm", 4).check(in -> in.get(0).matmul(in.get(1)).permute(2, 0, 1).slice(2, 1, 3),
                List.of(Tensor.randn(rng, 2, 3, 4), Tensor.randn(rng, 1, 4, 5)));
        assertThat(Tensor.arange(3).toString()).isEqualTo("tensor([0.0000, 1.0000, 2.0000])");
    }
}
