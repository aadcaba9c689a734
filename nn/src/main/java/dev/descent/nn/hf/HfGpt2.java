package dev.descent.nn.hf;

import dev.descent.core.Shape;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.hf.HfGpt2Layout.Pair;
import dev.descent.nn.state.SafeTensorsReader;
import dev.descent.nn.state.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts between a Hugging Face GPT-2 folder ({@code config.json} + {@code model.safetensors}, as
 * {@code GPT2LMHeadModel.save_pretrained} writes it) and a descent GPT weights file (descent's names, with the
 * model's shape in the metadata, see {@link GPTConfig#shapeMetadata()}). Both directions go file to file, one
 * tensor at a time (never two copies of a model in memory), after checking every name, shape and dtype in the
 * headers: a bad input fails before anything is written, with a message naming the file and the keys. Values are
 * copied, or transposed for Conv1D weights ({@link HfGpt2Layout}), so a round trip gives identical bytes.
 */
public final class HfGpt2 {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    /** The metadata transformers requires of a safetensors file it loads. */
    private static final Map<String, String> PYTORCH_FORMAT = Map.of("format", "pt");
    /** How many problems a refusal lists before it says how many more there are. */
    private static final int LISTED_PROBLEMS = 8;

    private HfGpt2() {
    }

    /** Where {@link #readWeights} hands each tensor: descent's name and the values in descent's layout. */
    @FunctionalInterface
    public interface TensorSink {
        void accept(String descentName, float[] values) throws IOException;
    }

    /**
     * Reads the Hugging Face folder {@code hfDir} and writes its weights in descent's layout to {@code descentFile}.
     * Keys may carry the {@code transformer.} prefix or not; the causal-mask buffers of older files are skipped;
     * {@code lm_head.weight}, when present, must equal wte (descent ties the head). Returns the model's shape.
     */
    public static GPTConfig importFolder(Path hfDir, Path descentFile) throws IOException {
        GPTConfig config = readConfig(hfDir);
        Map<String, Shape> layout = new LinkedHashMap<>();
        HfGpt2Layout.pairs(config).forEach(p -> layout.put(p.descent(), p.shape()));
        try (SafeTensorsWriter out = new SafeTensorsWriter(descentFile, layout, config.shapeMetadata())) {
            readWeights(hfDir, config, out::write);
            out.commit();
        }
        return config;
    }

    /** The model's shape in the Hugging Face folder {@code hfDir}, after checking that it holds both files. */
    public static GPTConfig readConfig(Path hfDir) throws IOException {
        requireFolderFiles(hfDir);
        return HfGpt2Config.read(hfDir.resolve(CONFIG));
    }

    /**
     * Hands every tensor of the Hugging Face folder {@code hfDir} (a model of shape {@code config}, as
     * {@link #readConfig} reads it) to {@code sink} in descent's names, order and layout, one at a time, after
     * checking every name, shape and dtype in the header: a bad file fails before the sink sees anything. Keys may
     * carry the {@code transformer.} prefix or not; the causal-mask buffers of older files are skipped;
     * {@code lm_head.weight}, when present, must equal wte (descent ties the head).
     */
    public static void readWeights(Path hfDir, GPTConfig config, TensorSink sink) throws IOException {
        Path weights = requireFolderFiles(hfDir);
        List<Pair> pairs = HfGpt2Layout.pairs(config);
        try (SafeTensorsReader in = SafeTensorsReader.open(weights)) {
            String prefix = in.entries().keySet().stream().anyMatch(k -> k.startsWith(HfGpt2Layout.PREFIX))
                    ? HfGpt2Layout.PREFIX : "";
            checkHfEntries(in, pairs, prefix, config);
            for (Pair p : pairs) {
                float[] values = in.readFloats(prefix + p.hf());
                if (p.descent().equals("wte.weight")) {
                    checkTiedHead(in, values);
                }
                sink.accept(p.descent(), p.transposed()
                        ? HfGpt2Layout.transpose(values, p.shape().dim(1), p.shape().dim(0)) : values);
            }
        }
    }

    /**
     * Writes the descent GPT weights {@code descentFile} (a model of shape {@code config}) as a Hugging Face folder
     * {@code hfDir}: config.json and model.safetensors with {@code transformer.}-prefixed names, F32, no lm_head
     * (tied, as save_pretrained leaves it out) and the {@code {"format": "pt"}} metadata transformers expects.
     */
    public static void exportFolder(Path descentFile, GPTConfig config, Path hfDir) throws IOException {
        List<Pair> pairs = HfGpt2Layout.pairs(config);
        try (SafeTensorsReader in = SafeTensorsReader.open(descentFile)) {
            checkDescentEntries(in, pairs);
            Files.createDirectories(hfDir);
            Map<String, Shape> layout = new LinkedHashMap<>();
            pairs.forEach(p -> layout.put(HfGpt2Layout.PREFIX + p.hf(), p.hfShape()));
            try (SafeTensorsWriter out = new SafeTensorsWriter(hfDir.resolve(WEIGHTS), layout, PYTORCH_FORMAT)) {
                for (Pair p : pairs) {
                    float[] values = in.readFloats(p.descent());
                    out.write(HfGpt2Layout.PREFIX + p.hf(), p.transposed()
                            ? HfGpt2Layout.transpose(values, p.shape().dim(0), p.shape().dim(1)) : values);
                }
                out.commit();
            }
            HfGpt2Config.write(hfDir.resolve(CONFIG), config);
        }
    }

    /** The folder's model.safetensors, after checking that the folder and both files are there. */
    private static Path requireFolderFiles(Path hfDir) throws IOException {
        if (!Files.isDirectory(hfDir)) {
            throw new IOException(hfDir + " is not a folder (expected a Hugging Face GPT-2 folder with " + CONFIG
                    + " and " + WEIGHTS + ")");
        }
        if (!Files.isRegularFile(hfDir.resolve(CONFIG))) {
            throw new IOException(hfDir.resolve(CONFIG) + " is missing (a Hugging Face GPT-2 folder holds " + CONFIG
                    + " and " + WEIGHTS + ")");
        }
        Path weights = hfDir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            String hint = Files.exists(hfDir.resolve(WEIGHTS + ".index.json"))
                    ? "; the folder holds a sharded model (model.safetensors.index.json), which descent does not read: "
                    + "save it as one file (save_pretrained(dir, max_shard_size=\"20GB\"))"
                    : Files.exists(hfDir.resolve("pytorch_model.bin"))
                    ? "; the folder holds pytorch_model.bin, which descent does not read: download model.safetensors "
                    + "or save with save_pretrained(dir, safe_serialization=True)"
                    : "";
            throw new IOException(weights + " is missing" + hint);
        }
        return weights;
    }

    /** Every expected key present with its shape and dtype F32, nothing unknown; else one message listing all. */
    private static void checkHfEntries(SafeTensorsReader in, List<Pair> pairs, String prefix, GPTConfig config)
            throws IOException {
        Map<String, SafeTensorsReader.Entry> entries = in.entries();
        List<String> problems = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        for (Pair p : pairs) {
            String key = prefix + p.hf();
            known.add(key);
            checkEntry(entries.get(key), key, p.hfShape(), problems);
        }
        if (entries.containsKey(HfGpt2Layout.LM_HEAD)) {
            known.add(HfGpt2Layout.LM_HEAD);
            checkEntry(entries.get(HfGpt2Layout.LM_HEAD), HfGpt2Layout.LM_HEAD,
                    Shape.of(config.vocabSize(), config.width()), problems);
        }
        for (String key : entries.keySet()) {
            boolean maskBuffer = key.startsWith(prefix) && HfGpt2Layout.isMaskBuffer(key.substring(prefix.length()));
            if (!known.contains(key) && !maskBuffer) {
                problems.add("unexpected key '" + key + "'");
            }
        }
        refuseIfAny(in.path(), problems, "as config.json describes it (" + config.layers() + " layers, width "
                + config.width() + ", vocab " + config.vocabSize() + ")");
    }

    /** Every tensor of the layout present in descent's file with descent's shape, F32, nothing else. */
    private static void checkDescentEntries(SafeTensorsReader in, List<Pair> pairs) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        for (Pair p : pairs) {
            known.add(p.descent());
            checkEntry(in.entries().get(p.descent()), p.descent(), p.shape(), problems);
        }
        for (String key : in.entries().keySet()) {
            if (!known.contains(key)) {
                problems.add("unexpected key '" + key + "'");
            }
        }
        refuseIfAny(in.path(), problems, "as a descent GPT");
    }

    private static void checkEntry(SafeTensorsReader.Entry entry, String key, Shape shape, List<String> problems) {
        if (entry == null) {
            problems.add("missing key '" + key + "' (expected shape " + shape + ")");
        } else if (!entry.shape().equals(shape)) {
            problems.add("key '" + key + "' has shape " + entry.shape() + ", expected " + shape);
        } else if (!entry.dtype().equals("F32")) {
            problems.add("key '" + key + "' has dtype " + entry.dtype() + "; descent reads F32 weights (save the "
                    + "model in float32)");
        }
    }

    private static void refuseIfAny(Path file, List<String> problems, String context) throws IOException {
        if (problems.isEmpty()) {
            return;
        }
        List<String> listed = problems.subList(0, Math.min(LISTED_PROBLEMS, problems.size()));
        String more = problems.size() > listed.size() ? "; and " + (problems.size() - listed.size()) + " more" : "";
        throw new IOException(file + " does not hold a GPT-2 " + context + ": " + String.join("; ", listed) + more);
    }

    /** lm_head.weight, when the file has one, must hold exactly wte's values: descent's head is tied to wte. */
    private static void checkTiedHead(SafeTensorsReader in, float[] wte) throws IOException {
        if (in.entries().containsKey(HfGpt2Layout.LM_HEAD)
                && !Arrays.equals(in.readFloats(HfGpt2Layout.LM_HEAD), wte)) {
            throw new IOException(in.path() + ": '" + HfGpt2Layout.LM_HEAD + "' differs from the token embedding "
                    + "wte; descent's GPT ties its head to wte and cannot hold a separate one");
        }
    }
}
