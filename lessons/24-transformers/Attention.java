package dev.descent.lessons.transformers;

import dev.descent.core.Backend;
import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-head causal self-attention written out on tensors, step by step. Given x (B, T, C), nh heads of size
 * hs = C/nh, a projection to queries, keys and values W_qkv (3C, C), b_qkv (3C) and an output projection
 * W_o (C, C), b_o (C):
 * <pre>
 * q, k, v = x·W_qkvᵀ + b_qkv, split in three                (B, T, C) each
 * per head h, with q_h = q[.., h·hs : (h+1)·hs] etc.:
 *   scores_h = q_h·k_hᵀ / √hs                                (B, T, T): how much query t matches key s
 *   scores_h[t][s] = −∞ for s &gt; t                           the causal mask
 *   a_h = softmax(scores_h) over s                          each row sums to 1
 *   y_h = a_h·v_h                                           (B, T, hs): a weighted average of values
 * y = concat_h(y_h)·W_oᵀ + b_o                               (B, T, C)
 * </pre>
 */
final class Attention {
    private Attention() {
    }

    /** The heads computed all at once: (B, T, C) viewed as (B, T, nh, hs) and permuted to (B, nh, T, hs). */
    static Tensor multiHead(Tensor x, Tensor wQkv, Tensor bQkv, Tensor wOut, Tensor bOut, int heads) {
        int b = x.dim(0);
        int t = x.dim(1);
        int c = x.dim(2);
        Tensor qkv = x.matmul(wQkv.transpose()).add(bQkv);
        Tensor q = splitHeads(qkv.slice(2, 0, c), heads);
        Tensor k = splitHeads(qkv.slice(2, c, 2 * c), heads);
        Tensor v = splitHeads(qkv.slice(2, 2 * c, 3 * c), heads);
        // (B, nh, T, hs) -> (B, T, nh, hs) -> (B, T, C): the heads side by side again
        Tensor y = attend(q, k, v).permute(0, 2, 1, 3).reshape(b, t, c);
        return y.matmul(wOut.transpose()).add(bOut);
    }

    /** The same computation one head at a time, by slicing channels: what the reshape and permute do in bulk. */
    static Tensor headByHead(Tensor x, Tensor wQkv, Tensor bQkv, Tensor wOut, Tensor bOut, int heads) {
        int c = x.dim(2);
        int hs = c / heads;
        Tensor qkv = x.matmul(wQkv.transpose()).add(bQkv);
        List<Tensor> outputs = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            Tensor q = qkv.slice(2, h * hs, (h + 1) * hs);
            Tensor k = qkv.slice(2, c + h * hs, c + (h + 1) * hs);
            Tensor v = qkv.slice(2, 2 * c + h * hs, 2 * c + (h + 1) * hs);
            outputs.add(attend(q, k, v));
        }
        return Tensor.concat(outputs, 2).matmul(wOut.transpose()).add(bOut);
    }

    /** softmax(mask(q·kᵀ/√hs))·v for q, k, v (.., T, hs) -> (.., T, hs). */
    static Tensor attend(Tensor q, Tensor k, Tensor v) {
        return weights(q, k).matmul(v);
    }

    /** The attention weights softmax(mask(q·kᵀ/√hs)), (.., T, T); row t is a distribution over keys 0..t. */
    static Tensor weights(Tensor q, Tensor k) {
        return AttentionWeights.of(q, k);
    }

    /** (B, T, C) -> (B, nh, T, hs) */
    private static Tensor splitHeads(Tensor x, int heads) {
        return x.reshape(x.dim(0), x.dim(1), heads, x.dim(2) / heads).permute(0, 2, 1, 3);
    }

    /** (T, T): 1 where key s comes after query t. */
    static Tensor future(int t, Backend backend) {
        Tensor positions = Tensor.arange(t);
        return backend.binary(BinaryOp.GT, positions.reshape(1, t), positions.reshape(t, 1));
    }
}
