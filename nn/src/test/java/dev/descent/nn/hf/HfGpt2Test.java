package dev.descent.nn.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.hf.MiniSafeTensors.Raw;
import dev.descent.nn.state.StateDict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HfGpt2Test {
    /** vocab 13, 6 positions, 2 layers, 2 heads, width 4: every tensor differs in shape from its neighbours. */
    private static final TinyHfGpt2 TINY = new TinyHfGpt2(13, 6, 2, 2, 4);
    private static final GPTConfig TINY_CONFIG = new GPTConfig(13, 6, 2, 2, 4, 0f, false);

    @TempDir
    Path dir;

    private Path hfFolder(Map<String, Raw> weights, String prefix, boolean maskBuffers, boolean lmHead)
            throws IOException {
        Path folder = dir.resolve("hf-" + prefix.length() + maskBuffers + lmHead);
        TINY.write(folder, weights, prefix, maskBuffers, lmHead);
        return folder;
    }

    /** The (in, out) Conv1D values read as descent's (out, in): element (o, i) of the result is w[i][o]. */
    private static float[] transposed(Raw conv1d) {
        int in = conv1d.shape()[0];
        int out = conv1d.shape()[1];
        float[] w = conv1d.floats();
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[o * in + i] = w[i * out + o];
            }
        }
        return t;
    }

    @Test
    void importNamesEachTensorAsGptDoesAndTransposesTheConv1dWeights() throws IOException {
        Map<String, Raw> weights = TINY.weights(1);
        Path folder = hfFolder(weights, "transformer.", true, true);
        Path imported = dir.resolve("model.safetensors");
        assertThat(HfGpt2.importFolder(folder, imported)).isEqualTo(TINY_CONFIG);

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Raw> descent = MiniSafeTensors.readWithMetadata(imported, metadata);
        GPT gpt = new GPT(TINY_CONFIG, new Rng(2));
        assertThat(descent.keySet()).containsExactlyElementsOf(gpt.stateDict().keySet());
        gpt.stateDict().forEach((name, t) -> assertThat(descent.get(name).shape()).as(name).isEqualTo(t.shape().dims()));
        assertThat(GPTConfig.fromShapeMetadata(metadata, "test")).isEqualTo(TINY_CONFIG);

        assertThat(descent.get("wte.weight").floats()).containsExactly(weights.get("wte.weight").floats());
        assertThat(descent.get("wpe.weight").floats()).containsExactly(weights.get("wpe.weight").floats());
        assertThat(descent.get("blocks.1.ln2.bias").floats()).containsExactly(weights.get("h.1.ln_2.bias").floats());
        assertThat(descent.get("lnf.weight").floats()).containsExactly(weights.get("ln_f.weight").floats());
        String[][] conv1d = {{"blocks.0.attn.qkv", "h.0.attn.c_attn"}, {"blocks.1.attn.proj", "h.1.attn.c_proj"},
            {"blocks.0.mlp.fc", "h.0.mlp.c_fc"}, {"blocks.1.mlp.proj", "h.1.mlp.c_proj"}};
        for (String[] pair : conv1d) {
            assertThat(descent.get(pair[0] + ".weight").floats()).as(pair[0])
                    .containsExactly(transposed(weights.get(pair[1] + ".weight")));
            assertThat(descent.get(pair[0] + ".bias").floats()).containsExactly(weights.get(pair[1] + ".bias").floats());
        }
        // q of head 1 reads input channel 3 with weight c_attn.weight[3][2]: descent's qkv row 2, column 3
        float[] cAttn = weights.get("h.0.attn.c_attn.weight").floats();
        float[] qkv = descent.get("blocks.0.attn.qkv.weight").floats();
        assertThat(qkv[2 * 4 + 3]).isEqualTo(cAttn[3 * 12 + 2]);

        StateDict.load(gpt, imported);
        assertThat(gpt.namedParameters().get("blocks.0.attn.qkv.weight").toArray()).containsExactly(qkv);
    }

    @Test
    void theOriginalOpenAiLayoutWithoutPrefixOrHeadImportsToTheSameBytes() throws IOException {
        Map<String, Raw> weights = TINY.weights(3);
        Path withPrefix = dir.resolve("a.safetensors");
        Path bare = dir.resolve("b.safetensors");
        HfGpt2.importFolder(hfFolder(weights, "transformer.", false, true), withPrefix);
        HfGpt2.importFolder(hfFolder(weights, "", true, false), bare);
        assertThat(Files.readAllBytes(bare)).isEqualTo(Files.readAllBytes(withPrefix));
    }

    @Test
    void hfToDescentToHfGivesByteIdenticalTensorsInTheLayoutTransformersLoads() throws IOException {
        Map<String, Raw> weights = TINY.weights(4);
        Path folder = hfFolder(weights, "transformer.", true, true);
        Path imported = dir.resolve("model.safetensors");
        GPTConfig config = HfGpt2.importFolder(folder, imported);
        Path exported = dir.resolve("exported");
        HfGpt2.exportFolder(imported, config, exported);

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Raw> back = MiniSafeTensors.readWithMetadata(exported.resolve("model.safetensors"), metadata);
        assertThat(metadata).containsExactly(Map.entry("format", "pt"));
        Map<String, Raw> expected = new LinkedHashMap<>();
        weights.forEach((name, t) -> expected.put("transformer." + name, t));
        assertThat(back).containsExactlyEntriesOf(expected);

        JsonObject json = JsonParser.parseString(Files.readString(exported.resolve("config.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertThat(json.getAsJsonArray("architectures").get(0).getAsString()).isEqualTo("GPT2LMHeadModel");
        assertThat(json.get("model_type").getAsString()).isEqualTo("gpt2");
        assertThat(json.get("activation_function").getAsString()).isEqualTo("gelu_new");
        assertThat(json.get("layer_norm_epsilon").getAsDouble()).isEqualTo(1e-5);
        assertThat(json.get("torch_dtype").getAsString()).isEqualTo("float32");
        assertThat(json.get("n_inner").isJsonNull()).isTrue();
        assertThat(List.of(json.get("vocab_size").getAsInt(), json.get("n_positions").getAsInt(),
                json.get("n_layer").getAsInt(), json.get("n_head").getAsInt(), json.get("n_embd").getAsInt()))
                .containsExactly(13, 6, 2, 2, 4);
        assertThat(HfGpt2Config.read(exported.resolve("config.json"))).isEqualTo(config);

        Path again = dir.resolve("again.safetensors");
        HfGpt2.importFolder(exported, again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(imported));
    }

    static Stream<GPTConfig> configs() {
        return Stream.of(TINY_CONFIG, new GPTConfig(50257, 1024, 12, 12, 768, 0f, false),
                new GPTConfig(50304, 64, 3, 4, 16, 0.1f, true));
    }

    @ParameterizedTest
    @MethodSource("configs")
    void theLayoutListsGptsStateDictInOrderWithItsShapes(GPTConfig config) {
        List<HfGpt2Layout.Pair> pairs = HfGpt2Layout.pairs(config);
        long count = pairs.stream().mapToLong(p -> p.shape().numel()).sum();
        assertThat(count).isEqualTo(GPT.parameterCount(config));
        if (config.width() < 100) {
            Map<String, Tensor> state = new GPT(config, new Rng(5)).stateDict();
            assertThat(pairs).extracting(HfGpt2Layout.Pair::descent).containsExactlyElementsOf(state.keySet());
            pairs.forEach(p -> assertThat(p.shape()).as(p.descent()).isEqualTo(state.get(p.descent()).shape()));
        }
    }

    @Test
    void theLayoutCoversEachPublishedGpt2SizeWithItsKnownParameterCount() {
        // (n_embd, n_layer, n_head) of gpt2, gpt2-medium, gpt2-large, gpt2-xl and their published parameter counts
        int[][] sizes = {{768, 12, 12}, {1024, 24, 16}, {1280, 36, 20}, {1600, 48, 25}};
        long[] published = {124_439_808L, 354_823_168L, 774_030_080L, 1_557_611_200L};
        for (int i = 0; i < sizes.length; i++) {
            GPTConfig config = new GPTConfig(50257, 1024, sizes[i][1], sizes[i][2], sizes[i][0], 0f, false);
            List<HfGpt2Layout.Pair> pairs = HfGpt2Layout.pairs(config);
            assertThat(pairs.stream().mapToLong(p -> p.hfShape().numel()).sum()).isEqualTo(published[i]);
            assertThat(pairs).hasSize(2 + 12 * sizes[i][1] + 2);
            assertThat(pairs.get(4).hf()).isEqualTo("h.0.attn.c_attn.weight");
            assertThat(pairs.get(4).hfShape().dims()).containsExactly(sizes[i][0], 3 * sizes[i][0]);
        }
    }

    // ---------------------------------------------------------------- refusals

    private Path folderWith(Map<String, Raw> weights) throws IOException {
        return hfFolder(weights, "transformer.", false, false);
    }

    private String importError(Path folder) {
        Path out = dir.resolve("refused.safetensors");
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> HfGpt2.importFolder(folder, out));
        assertThat(error).isInstanceOf(IOException.class);
        assertThat(out).doesNotExist();
        return error.getMessage();
    }

    @Test
    void foldersWithoutConfigOrWeightsAreNamed() throws IOException {
        Path folder = folderWith(TINY.weights(6));
        Files.delete(folder.resolve("config.json"));
        assertThat(importError(folder)).contains(folder.resolve("config.json").toString()).contains("is missing");
        Path noWeights = folderWith(TINY.weights(6));
        Files.delete(noWeights.resolve("model.safetensors"));
        Files.writeString(noWeights.resolve("pytorch_model.bin"), "pickle");
        assertThat(importError(noWeights)).contains(noWeights.resolve("model.safetensors") + " is missing")
                .contains("pytorch_model.bin");
        Files.delete(noWeights.resolve("pytorch_model.bin"));
        Files.writeString(noWeights.resolve("model.safetensors.index.json"), "{}");
        assertThat(importError(noWeights)).contains("sharded model").contains("max_shard_size");
        assertThat(importError(dir.resolve("nowhere"))).contains("nowhere is not a folder");
    }

    @Test
    void wrongShapesMissingAndUnknownKeysAreNamedWithTheFile() throws IOException {
        Map<String, Raw> weights = TINY.weights(7);
        weights.put("h.1.mlp.c_fc.weight", Raw.f32(new int[] {16, 4}, new float[64]));
        weights.remove("h.0.ln_2.bias");
        weights.put("h.0.attn.c_attn.weight_orig", Raw.f32(new int[] {1}, new float[1]));
        Path folder = folderWith(weights);
        assertThat(importError(folder)).contains(folder.resolve("model.safetensors").toString())
                .contains("key 'transformer.h.1.mlp.c_fc.weight' has shape (16, 4), expected (4, 16)")
                .contains("missing key 'transformer.h.0.ln_2.bias' (expected shape (4))")
                .contains("unexpected key 'transformer.h.0.attn.c_attn.weight_orig'");
    }

    @Test
    void anUntiedHeadAndHalfPrecisionAreRefused() throws IOException {
        Map<String, Raw> weights = TINY.weights(8);
        Path folder = hfFolder(weights, "transformer.", false, false);
        Map<String, Raw> file = MiniSafeTensors.read(folder.resolve("model.safetensors"));
        float[] head = weights.get("wte.weight").floats();
        head[5] += 1;
        file.put("lm_head.weight", Raw.f32(new int[] {13, 4}, head));
        MiniSafeTensors.write(folder.resolve("model.safetensors"), file, Map.of());
        assertThat(importError(folder)).contains("'lm_head.weight' differs from the token embedding wte");

        file.remove("lm_head.weight");
        file.put("transformer.ln_f.bias", new Raw("F16", new int[] {4}, new byte[8]));
        MiniSafeTensors.write(folder.resolve("model.safetensors"), file, Map.of());
        assertThat(importError(folder)).contains("key 'transformer.ln_f.bias' has dtype F16");
    }

    @Test
    void configsDescentCannotComputeAreRefusedNamingTheField() throws IOException {
        Path folder = folderWith(TINY.weights(9));
        Path config = folder.resolve("config.json");
        String json = TINY.configJson();
        String[][] cases = {
            {"\"gelu_new\"", "\"gelu\"", "activation_function 'gelu' is not GPT-2's tanh GELU"},
            {"1e-05", "1e-06", "layer_norm_epsilon 1.0E-6 differs"},
            {"\"n_inner\": null", "\"n_inner\": 7", "n_inner 7 is not 4 × n_embd = 16"},
            {"\"model_type\": \"gpt2\"", "\"model_type\": \"llama\"", "model_type is 'llama'"},
            {"\"scale_attn_weights\": true", "\"scale_attn_weights\": false", "scale_attn_weights is false"},
            {"\"n_head\": 2", "\"n_head\": 3", "n_embd 4 is not divisible by n_head 3"},
            {"\"vocab_size\": 13", "\"vocab_size\": 13.5", "vocab_size is 13.5, not a positive whole number"},
            {"\"n_layer\": 2,", "", "has no n_layer"},
            {"{", "[", "is not"},
        };
        for (String[] c : cases) {
            Files.writeString(config, json.replace(c[0], c[1]), StandardCharsets.UTF_8);
            assertThat(importError(folder)).as(c[1]).startsWith(config.toString()).contains(c[2]);
        }
    }

    @Test
    void exportRefusesWeightsThatAreNotTheConfiguredGpt() throws IOException {
        Path file = dir.resolve("model.safetensors");
        StateDict.save(new GPT(TINY_CONFIG, new Rng(10)), file);
        GPTConfig wider = new GPTConfig(13, 6, 2, 2, 8, 0f, false);
        assertThatThrownBy(() -> HfGpt2.exportFolder(file, wider, dir.resolve("out"))).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("key 'wte.weight' has shape (13, 4), expected (13, 8)")
                .hasMessageContaining("more");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
