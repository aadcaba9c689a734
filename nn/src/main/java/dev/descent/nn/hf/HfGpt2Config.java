package dev.descent.nn.hf;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.descent.nn.gpt.GPTConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A Hugging Face GPT-2 {@code config.json} read into a {@link GPTConfig}, and written from one as
 * {@code GPT2LMHeadModel.save_pretrained} writes it. Reading refuses every setting that would make the model compute
 * something descent's GPT does not: another activation than GPT-2's tanh GELU, a LayerNorm ε other than 1e-5, an
 * MLP that is not 4× wide, attention scaled other than by 1/√hs, cross-attention, or an lm_head not tied to wte.
 */
public final class HfGpt2Config {
    /** The activations transformers computes as ½x(1 + tanh(√(2/π)(x + 0.044715x³))), descent's {@code gelu}. */
    private static final Set<String> TANH_GELUS = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");
    private static final double LAYER_NORM_EPS = 1e-5;
    /** GPT-2's {@code <|endoftext|>}, its bos and eos token. */
    private static final int END_OF_TEXT = 50256;
    /** GPT-2's dropout probabilities, written for whoever fine-tunes the export with transformers. */
    private static final double GPT2_DROPOUT = 0.1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private HfGpt2Config() {
    }

    /** The model {@code configJson} describes, or an IOException naming the file, the field and the problem. */
    public static GPTConfig read(Path configJson) throws IOException {
        JsonObject o;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(configJson, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw problem(configJson, "is not a JSON object");
            }
            o = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw problem(configJson, "is not valid JSON: " + e.getMessage());
        }
        String modelType = string(configJson, o, "model_type", "gpt2");
        if (!modelType.equals("gpt2")) {
            throw problem(configJson, "model_type is '" + modelType + "'; descent imports GPT-2 (model_type \"gpt2\")");
        }
        String activation = string(configJson, o, "activation_function", "gelu_new");
        if (!TANH_GELUS.contains(activation)) {
            throw problem(configJson, "activation_function '" + activation + "' is not GPT-2's tanh GELU; descent's "
                    + "GPT computes gelu_new");
        }
        double eps = number(configJson, o, "layer_norm_epsilon", LAYER_NORM_EPS);
        if (Math.abs(eps - LAYER_NORM_EPS) > 1e-12) {
            throw problem(configJson, "layer_norm_epsilon " + eps + " differs from GPT-2's 1e-05, which descent's "
                    + "LayerNorm uses");
        }
        requireFlag(configJson, o, "scale_attn_weights", true, "attention must be scaled by 1/√(head size)");
        requireFlag(configJson, o, "scale_attn_by_inverse_layer_idx", false, "descent does not scale attention by layer");
        requireFlag(configJson, o, "add_cross_attention", false, "descent's GPT has no cross-attention");
        requireFlag(configJson, o, "tie_word_embeddings", true, "descent's GPT ties lm_head to wte");
        int width = integer(configJson, o, "n_embd");
        int heads = integer(configJson, o, "n_head");
        double inner = number(configJson, o, "n_inner", 4.0 * width);
        if (inner != 4.0 * width) {
            throw problem(configJson, "n_inner " + o.get("n_inner") + " is not 4 × n_embd = " + 4 * width
                    + "; descent's GPT has GPT-2's 4× MLP");
        }
        if (heads <= 0 || width % heads != 0) {
            throw problem(configJson, "n_embd " + width + " is not divisible by n_head " + heads);
        }
        try {
            return new GPTConfig(integer(configJson, o, "vocab_size"), integer(configJson, o, "n_positions"),
                    integer(configJson, o, "n_layer"), heads, width, 0f, false);
        } catch (IllegalArgumentException e) {
            throw problem(configJson, e.getMessage());
        }
    }

    /** Writes {@code config} as GPT-2's config.json: the fields transformers' GPT2Config saves, keys sorted. */
    public static void write(Path configJson, GPTConfig config) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("activation_function", "gelu_new");
        JsonArray architectures = new JsonArray();
        architectures.add("GPT2LMHeadModel");
        o.add("architectures", architectures);
        o.addProperty("attn_pdrop", GPT2_DROPOUT);
        if (config.vocabSize() > END_OF_TEXT) {
            o.addProperty("bos_token_id", END_OF_TEXT);
        }
        o.addProperty("embd_pdrop", GPT2_DROPOUT);
        if (config.vocabSize() > END_OF_TEXT) {
            o.addProperty("eos_token_id", END_OF_TEXT);
        }
        o.addProperty("initializer_range", 0.02);
        o.addProperty("layer_norm_epsilon", LAYER_NORM_EPS);
        o.addProperty("model_type", "gpt2");
        o.addProperty("n_ctx", config.contextLength());
        o.addProperty("n_embd", config.width());
        o.addProperty("n_head", config.heads());
        o.add("n_inner", null);
        o.addProperty("n_layer", config.layers());
        o.addProperty("n_positions", config.contextLength());
        o.addProperty("reorder_and_upcast_attn", false);
        o.addProperty("resid_pdrop", GPT2_DROPOUT);
        o.addProperty("scale_attn_by_inverse_layer_idx", false);
        o.addProperty("scale_attn_weights", true);
        o.addProperty("tie_word_embeddings", true);
        o.addProperty("torch_dtype", "float32");
        o.addProperty("use_cache", true);
        o.addProperty("vocab_size", config.vocabSize());
        Files.writeString(configJson, GSON.toJson(o) + "\n", StandardCharsets.UTF_8);
    }

    private static String string(Path file, JsonObject o, String key, String fallback) throws IOException {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return fallback;
        }
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw problem(file, key + " is " + v + ", not a string");
        }
        return v.getAsString();
    }

    private static double number(Path file, JsonObject o, String key, double fallback) throws IOException {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return fallback;
        }
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
            throw problem(file, key + " is " + v + ", not a number");
        }
        return v.getAsDouble();
    }

    private static int integer(Path file, JsonObject o, String key) throws IOException {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            throw problem(file, "has no " + key + " (a GPT-2 config names n_embd, n_head, n_layer, n_positions and "
                    + "vocab_size)");
        }
        double d = number(file, o, key, 0);
        if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw problem(file, key + " is " + v + ", not a positive whole number");
        }
        return (int) d;
    }

    private static void requireFlag(Path file, JsonObject o, String key, boolean required, String why) throws IOException {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return;
        }
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isBoolean() || v.getAsBoolean() != required) {
            throw problem(file, key + " is " + v + "; descent needs " + required + " (" + why + ")");
        }
    }

    private static IOException problem(Path file, String what) {
        return new IOException(file + ": " + what);
    }
}
