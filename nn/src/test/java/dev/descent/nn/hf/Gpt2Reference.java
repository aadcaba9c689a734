package dev.descent.nn.hf;

import dev.descent.nn.layers.Reference;
import java.util.Map;

/**
 * GPT-2's forward pass in float64, written from the GPT-2 paper (Radford et al. 2019, which moves GPT-1's
 * LayerNorm to each sub-block's input and adds one after the last block) and GPT-1's transformer decoder, in plain
 * loops over arrays: no descent op, no descent layout. Weights are read by their Hugging Face names, Conv1D
 * weights used as stored, y = x·W + b with W (in, out); LayerNorm, GELU and causal attention are the layers'
 * own references ({@link Reference}), on (T, C) arrays row-major.
 * <pre>
 * h_0 = W_e[u] + W_p                                                          token + position embeddings
 * a   = h + Σ_heads softmax_causal(q·kᵀ/√hs)·v · W_proj + b_proj,  [q|k|v] = LN_1(h)·W_attn + b_attn
 * h'  = a + gelu(LN_2(a)·W_fc + b_fc)·W_mproj + b_mproj                       per block
 * P   = LN_f(h_L)·W_eᵀ                                                         logits; the head is W_e itself
 * LN(x) = γ(x − μ)/√(σ² + 1e-5) + β;   gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
 * </pre>
 */
final class Gpt2Reference {
    private static final double EPS = 1e-5;

    private final Map<String, float[]> w;
    private final int layers;
    private final int heads;
    private final int width;
    private final int vocab;

    /** {@code weights} by Hugging Face name without prefix. */
    Gpt2Reference(Map<String, float[]> weights, int layers, int heads, int width) {
        this.w = weights;
        this.layers = layers;
        this.heads = heads;
        this.width = width;
        this.vocab = weights.get("wte.weight").length / width;
    }

    /** tokens (T) -> logits (T, V). */
    double[][] logits(int[] tokens) {
        int t = tokens.length;
        int c = width;
        double[] h = new double[t * c];
        float[] wte = w.get("wte.weight");
        float[] wpe = w.get("wpe.weight");
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < c; j++) {
                h[i * c + j] = (double) wte[tokens[i] * c + j] + wpe[i * c + j];
            }
        }
        for (int l = 0; l < layers; l++) {
            String p = "h." + l + ".";
            double[] qkv = affine(layerNorm(h, t, p + "ln_1"), t, p + "attn.c_attn");
            add(h, affine(Reference.causalAttention(qkv, 1, t, c, heads), t, p + "attn.c_proj"));
            double[] hidden = Reference.geluTanh(affine(layerNorm(h, t, p + "ln_2"), t, p + "mlp.c_fc"));
            add(h, affine(hidden, t, p + "mlp.c_proj"));
        }
        double[] out = layerNorm(h, t, "ln_f");
        double[][] logits = new double[t][vocab];
        for (int i = 0; i < t; i++) {
            for (int v = 0; v < vocab; v++) {
                double s = 0;
                for (int j = 0; j < c; j++) {
                    s += out[i * c + j] * wte[v * c + j];
                }
                logits[i][v] = s;
            }
        }
        return logits;
    }

    /** The mean over positions of −log softmax(logits_t)[targets_t]. */
    double loss(int[] tokens, int[] targets) {
        double[][] logits = logits(tokens);
        double total = 0;
        for (int i = 0; i < tokens.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double z : logits[i]) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (double z : logits[i]) {
                sum += Math.exp(z - max);
            }
            total += max + Math.log(sum) - logits[i][targets[i]];
        }
        return total / tokens.length;
    }

    /** x (T, in) -> x·W + b with the Conv1D's W (in, out). */
    private double[] affine(double[] x, int t, String name) {
        float[] weight = w.get(name + ".weight");
        float[] bias = w.get(name + ".bias");
        int in = x.length / t;
        int out = bias.length;
        double[] y = new double[t * out];
        for (int i = 0; i < t; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int k = 0; k < in; k++) {
                    s += x[i * in + k] * weight[k * out + o];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    private double[] layerNorm(double[] x, int t, String name) {
        return Reference.layerNorm(x, t, width, w.get(name + ".weight"), w.get(name + ".bias"), EPS);
    }

    private static void add(double[] into, double[] x) {
        for (int i = 0; i < into.length; i++) {
            into[i] += x[i];
        }
    }
}
