package dev.descent.nn.hf;

import dev.descent.core.Rng;
import dev.descent.nn.hf.MiniSafeTensors.Raw;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A random GPT-2 in Hugging Face's layout, written as {@code GPT2LMHeadModel.save_pretrained} would (names and
 * shapes from transformers' GPT-2: Conv1D weights (in, out)), by the tests' own {@link MiniSafeTensors}, not by the
 * exporter under test. The values are spread wide (not GPT-2's 0.02 initialisation) so the logits differ
 * clearly and a swapped or untransposed tensor changes them.
 *
 * @param vocab     vocab_size
 * @param positions n_positions
 * @param layers    n_layer
 * @param heads     n_head
 * @param width     n_embd
 */
record TinyHfGpt2(int vocab, int positions, int layers, int heads, int width) {

    /** The weights by Hugging Face name (no prefix), in GPT2Model's state-dict order. */
    Map<String, Raw> weights(long seed) {
        Rng rng = new Rng(seed);
        int c = width;
        Map<String, Raw> w = new LinkedHashMap<>();
        w.put("wte.weight", random(rng, 0f, 0.3f, vocab, c));
        w.put("wpe.weight", random(rng, 0f, 0.1f, positions, c));
        for (int i = 0; i < layers; i++) {
            String h = "h." + i + ".";
            w.put(h + "ln_1.weight", random(rng, 1f, 0.1f, c));
            w.put(h + "ln_1.bias", random(rng, 0f, 0.05f, c));
            w.put(h + "attn.c_attn.weight", random(rng, 0f, 0.2f, c, 3 * c));
            w.put(h + "attn.c_attn.bias", random(rng, 0f, 0.05f, 3 * c));
            w.put(h + "attn.c_proj.weight", random(rng, 0f, 0.2f, c, c));
            w.put(h + "attn.c_proj.bias", random(rng, 0f, 0.05f, c));
            w.put(h + "ln_2.weight", random(rng, 1f, 0.1f, c));
            w.put(h + "ln_2.bias", random(rng, 0f, 0.05f, c));
            w.put(h + "mlp.c_fc.weight", random(rng, 0f, 0.2f, c, 4 * c));
            w.put(h + "mlp.c_fc.bias", random(rng, 0f, 0.05f, 4 * c));
            w.put(h + "mlp.c_proj.weight", random(rng, 0f, 0.1f, 4 * c, c));
            w.put(h + "mlp.c_proj.bias", random(rng, 0f, 0.05f, c));
        }
        w.put("ln_f.weight", random(rng, 1f, 0.1f, c));
        w.put("ln_f.bias", random(rng, 0f, 0.05f, c));
        return w;
    }

    private static Raw random(Rng rng, float mean, float std, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + std * (float) rng.nextGaussian();
        }
        return Raw.f32(shape, v);
    }

    /**
     * Writes the folder: config.json, and model.safetensors with {@code prefix} before every name, the BOOL
     * {@code attn.bias} mask and F32 {@code attn.masked_bias} buffers older transformers versions saved when
     * {@code maskBuffers}, and {@code lm_head.weight} equal to wte when {@code lmHead}.
     */
    void write(Path dir, Map<String, Raw> weights, String prefix, boolean maskBuffers, boolean lmHead)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(), StandardCharsets.UTF_8);
        Map<String, Raw> file = new LinkedHashMap<>();
        weights.forEach((name, t) -> file.put(prefix + name, t));
        if (maskBuffers) {
            for (int i = 0; i < layers; i++) {
                byte[] mask = new byte[positions * positions];
                for (int q = 0; q < positions; q++) {
                    for (int k = 0; k <= q; k++) {
                        mask[q * positions + k] = 1;
                    }
                }
                file.put(prefix + "h." + i + ".attn.bias", new Raw("BOOL", new int[] {1, 1, positions, positions}, mask));
                file.put(prefix + "h." + i + ".attn.masked_bias", Raw.f32(new int[0], new float[] {-1e4f}));
            }
        }
        if (lmHead) {
            file.put("lm_head.weight", weights.get("wte.weight"));
        }
        MiniSafeTensors.write(dir.resolve("model.safetensors"), file, Map.of("format", "pt"));
    }

    /** config.json as transformers' GPT2Config writes it, with GPT-2's defaults for the rest. */
    String configJson() {
        return String.format(Locale.ROOT, """
                {
                  "activation_function": "gelu_new",
                  "architectures": ["GPT2LMHeadModel"],
                  "attn_pdrop": 0.1,
                  "bos_token_id": 50256,
                  "embd_pdrop": 0.1,
                  "eos_token_id": 50256,
                  "initializer_range": 0.02,
                  "layer_norm_epsilon": 1e-05,
                  "model_type": "gpt2",
                  "n_ctx": %d,
                  "n_embd": %d,
                  "n_head": %d,
                  "n_inner": null,
                  "n_layer": %d,
                  "n_positions": %d,
                  "reorder_and_upcast_attn": false,
                  "resid_pdrop": 0.1,
                  "scale_attn_by_inverse_layer_idx": false,
                  "scale_attn_weights": true,
                  "summary_activation": null,
                  "summary_first_dropout": 0.1,
                  "summary_proj_to_labels": true,
                  "summary_type": "cls_index",
                  "summary_use_proj": true,
                  "torch_dtype": "float32",
                  "transformers_version": "4.40.0",
                  "use_cache": true,
                  "vocab_size": %d
                }
                """, positions, width, heads, layers, positions, vocab);
    }
}
