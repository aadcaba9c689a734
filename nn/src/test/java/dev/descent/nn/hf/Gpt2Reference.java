package dev.descent.nn.hf;

import java.util.Map;

/**
 * GPT-2's forward pass in float64, written from the GPT-2 paper (Radford et al. 2019, which moves GPT-1's
 * LayerNorm to each sub-block's input and adds one after the last block) and GPT-1's transformer decoder, in plain
 * loops over arrays: no descent op, no descent layout. Weights are read by their Hugging Face names, Conv1D
 * weights used as stored, y = x·W + b with W (in, out).
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
        double[][] h = new double[t][c];
        float[] wte = w.get("wte.weight");
        float[] wpe = w.get("wpe.weight");
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < c; j++) {
                h[i][j] = (double) wte[tokens[i] * c + j] + wpe[i * c + j];
            }
        }
        for (int l = 0; l < layers; l++) {
            String p = "h." + l + ".";
            double[][] qkv = affine(layerNorm(h, p + "ln_1"), p + "attn.c_attn");
            add(h, affine(attend(qkv), p + "attn.c_proj"));
            double[][] hidden = affine(layerNorm(h, p + "ln_2"), p + "mlp.c_fc");
            for (double[] row : hidden) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = gelu(row[j]);
                }
            }
            add(h, affine(hidden, p + "mlp.c_proj"));
        }
        double[][] out = layerNorm(h, "ln_f");
        double[][] logits = new double[t][vocab];
        for (int i = 0; i < t; i++) {
            for (int v = 0; v < vocab; v++) {
                double s = 0;
                for (int j = 0; j < c; j++) {
                    s += out[i][j] * wte[v * c + j];
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

    /** Causal multi-head attention: qkv (T, 3C) = [q | k | v], head h on channels h·hs..(h+1)·hs−1 of each. */
    private double[][] attend(double[][] qkv) {
        int t = qkv.length;
        int hs = width / heads;
        double[][] y = new double[t][width];
        for (int head = 0; head < heads; head++) {
            int q0 = head * hs;
            int k0 = width + head * hs;
            int v0 = 2 * width + head * hs;
            for (int i = 0; i < t; i++) {
                double[] p = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= i; s++) {
                    double dot = 0;
                    for (int d = 0; d < hs; d++) {
                        dot += qkv[i][q0 + d] * qkv[s][k0 + d];
                    }
                    p[s] = dot / Math.sqrt(hs);
                    max = Math.max(max, p[s]);
                }
                double sum = 0;
                for (int s = 0; s <= i; s++) {
                    p[s] = Math.exp(p[s] - max);
                    sum += p[s];
                }
                for (int s = 0; s <= i; s++) {
                    for (int d = 0; d < hs; d++) {
                        y[i][q0 + d] += p[s] / sum * qkv[s][v0 + d];
                    }
                }
            }
        }
        return y;
    }

    /** x (T, in) -> x·W + b with the Conv1D's W (in, out). */
    private double[][] affine(double[][] x, String name) {
        float[] weight = w.get(name + ".weight");
        float[] bias = w.get(name + ".bias");
        int in = x[0].length;
        int out = bias.length;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int k = 0; k < in; k++) {
                    s += x[i][k] * weight[k * out + o];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String name) {
        float[] gamma = w.get(name + ".weight");
        float[] beta = w.get(name + ".bias");
        double[][] y = new double[x.length][width];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / width;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / width;
            }
            for (int j = 0; j < width; j++) {
                y[i][j] = gamma[j] * (x[i][j] - mean) / Math.sqrt(var + EPS) + beta[j];
            }
        }
        return y;
    }

    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    private static void add(double[][] into, double[][] x) {
        for (int i = 0; i < into.length; i++) {
            for (int j = 0; j < into[i].length; j++) {
                into[i][j] += x[i][j];
            }
        }
    }
}
