package dev.descent.nn.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.layers.KVCache;
import org.junit.jupiter.api.Test;

/** Incremental decoding with a key-value cache against the full forward pass over the same tokens. */
class DecodeTest {
    private static final GPTConfig CONFIG = new GPTConfig(23, 12, 2, 2, 8, 0f, false);
    private static final int[] TOKENS = {3, 17, 0, 22, 5, 5, 9, 14, 1, 20, 7, 11};

    /** A GPT whose weights are all drawn wide from N(0, 0.5²), so the logits are far from flat. */
    private static GPT model() {
        GPT gpt = new GPT(CONFIG, new Rng(1));
        Rng rng = new Rng(2);
        gpt.parameters().forEach(p -> p.copyFrom(Tensor.randn(rng, p.shape().dims()).mul(0.5f)));
        gpt.eval();
        return gpt;
    }

    private static Tensor ids(int from, int to) {
        float[] ids = new float[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = TOKENS[i];
        }
        return Tensor.fromArray(ids, 1, ids.length);
    }

    /** The logits of the last of tokens[0..n−1] from the full forward pass, (V). */
    private static float[] fullLogits(GPT gpt, int n) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            return gpt.forward(ids(0, n)).slice(1, n - 1, n).toArray();
        }
    }

    private static double relativeError(float[] got, float[] expected) {
        double error = 0;
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            error = Math.max(error, Math.abs(got[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return error / scale;
    }

    @Test
    void decodingAPromptThenOneTokenAtATimeGivesTheFullForwardsLogits() {
        GPT gpt = model();
        KVCache cache = gpt.newCache();
        float[] prefill = gpt.decode(ids(0, 4), cache).toArray();
        assertThat(prefill).as("an empty cache runs the same fused attention as forward").containsExactly(fullLogits(gpt, 4));
        assertThat(cache.length()).isEqualTo(4);
        for (int n = 5; n <= 8; n++) {
            float[] step = gpt.decode(ids(n - 1, n), cache).toArray();
            assertThat(relativeError(step, fullLogits(gpt, n))).as("position " + n).isLessThan(1e-5);
        }
        // several tokens after a non-empty cache: each attends to the cache and to the new ones before it
        float[] chunk = gpt.decode(ids(8, 12), cache).toArray();
        assertThat(relativeError(chunk, fullLogits(gpt, 12))).isLessThan(1e-5);
        assertThat(cache.length()).isEqualTo(12).isEqualTo(cache.capacity());
        assertThat(cache.tensors()).hasSize(2 * CONFIG.layers());
        assertThat(cache.tensors()[0].shape().dims()).containsExactly(1, 2, 12, 4);
    }

    @Test
    void eachSequenceOfABatchIsDecodedOnItsOwn() {
        GPT gpt = model();
        Tensor both = Tensor.fromArray(new float[] {3, 17, 0, 22, 5, 5, 9, 14}, 2, 4);
        KVCache cache = gpt.newCache();
        gpt.decode(both, cache);
        float[] next = gpt.decode(Tensor.fromArray(new float[] {4, 6}, 2, 1), cache).toArray();
        GPT same = model();
        KVCache first = same.newCache();
        same.decode(Tensor.fromArray(new float[] {3, 17, 0, 22}, 1, 4), first);
        float[] alone = same.decode(Tensor.fromArray(new float[] {4}, 1, 1), first).toArray();
        float[] firstRow = java.util.Arrays.copyOf(next, CONFIG.vocabSize());
        assertThat(relativeError(firstRow, alone)).isLessThan(1e-6);
    }

    @Test
    void aFullCacheAndTrainingModeAreRefusedWithMessages() {
        GPT gpt = model();
        KVCache cache = gpt.newCache();
        gpt.decode(ids(0, 12), cache);
        assertThatThrownBy(() -> gpt.decode(ids(0, 1), cache)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("12 cached + 1 new positions exceed the context length 12");
        assertThat(cache.length()).isEqualTo(12);
        cache.release();
        assertThat(cache.length()).isZero();
        assertThat(cache.tensors()).isEmpty();
        gpt.train();
        assertThatThrownBy(() -> gpt.decode(ids(0, 1), gpt.newCache())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call eval() first");
    }

    @Test
    void replacedCacheTensorsAreReleasedAtOnce() {
        GPT gpt = model();
        KVCache cache = gpt.newCache();
        gpt.decode(ids(0, 3), cache);
        Tensor before = cache.tensors()[0];
        gpt.decode(ids(3, 4), cache);
        assertThatThrownBy(before::toArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    }
}
