package dev.descent.train.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.train.TrainConfig;
import dev.descent.train.cli.TrainCommand;
import dev.descent.train.cli.TrainOptions;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.GptTokenizer;
import dev.descent.train.data.Shard;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes the files llm.c's CPU trainer {@code train_gpt2.c} reads, so that it trains the same model as
 * {@code ./descent train} with the same options: {@code scripts/bench/llmc-compare.sh} runs both side by side.
 * <ul>
 *   <li>{@code gpt2_124M.bin}: llm.c's checkpoint (version 3: a header of 256 ints, then every parameter as
 *       float32) holding the GPT that {@code train} initialises for these options and seed, so both sides start
 *       from the same weights. V is GPT-2's 50,257 tokens, the padded vocabulary Vp the model's.</li>
 *   <li>{@code gpt2_tokenizer.bin}: the GPT-2 vocabulary as llm.c's tokenizer file (version 2: each token's bytes
 *       after a length byte), from JTokkit's r50k_base.</li>
 *   <li>{@code dev/data/tinyshakespeare/tiny_shakespeare_{train,val}.bin}, the paths {@code train_gpt2.c} looks
 *       for: the dataset's training shards in one file and its validation shard, in the token format llm.c and
 *       descent share.</li>
 * </ul>
 * Usage: {@code java ... dev.descent.train.bench.LlmcFiles --to DIR [any option of ./descent train]}.
 */
@Command(name = "llmc-files", mixinStandardHelpOptions = true,
        description = "Write llm.c's checkpoint, tokenizer and data files for the model `train` would build.")
public final class LlmcFiles implements Callable<Integer> {
    private static final int CHECKPOINT_MAGIC = 20240326;
    private static final int CHECKPOINT_VERSION = 3;
    private static final int TOKENIZER_MAGIC = 20240328;
    private static final int TOKENIZER_VERSION = 2;
    private static final int HEADER_INTS = 256;

    @Mixin
    TrainOptions options;

    @Option(names = "--to", required = true, description = "Directory to write into (llm.c runs there).")
    Path dir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LlmcFiles()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        TrainConfig config = options.resolve();
        Files.createDirectories(dir);
        GPT model = new GPT(config.model().gpt(), new Rng(config.run().seed()));
        writeCheckpoint(model, dir.resolve("gpt2_124M.bin"));
        writeTokenizer(dir.resolve("gpt2_tokenizer.bin"));
        TrainCommand.prepareEmbeddedDataIfMissing(config);
        Dataset data = Dataset.open(config.run().data());
        if (!(data.tokenizer() instanceof GptTokenizer)) {
            throw new IllegalArgumentException("llm.c reads GPT-2 tokens, and " + config.run().data() + " holds "
                    + data.tokenizer().name() + " tokens: add --tokenizer gpt2");
        }
        Path tokens = Files.createDirectories(dir.resolve("dev/data/tinyshakespeare"));
        List<int[]> shards = new ArrayList<>();
        for (Path shard : data.trainingShards()) {
            shards.add(Shard.read(shard));
        }
        Shard.write(tokens.resolve("tiny_shakespeare_train.bin"),
                shards.stream().flatMapToInt(IntStream::of).toArray());
        Shard.write(tokens.resolve("tiny_shakespeare_val.bin"), Shard.read(data.validationShard()));
        System.out.printf("wrote llm.c's checkpoint (%,d parameters), tokenizer and data files to %s%n",
                model.parameterCount(), dir);
        return 0;
    }

    /**
     * The header [magic, version, maxT, V, L, NH, C, Vp] and the parameters in llm.c's order: wte (Vp, C),
     * wpe (maxT, C), then each per-block tensor for all L blocks in turn (ln1 w, b; qkv w (3C, C), b; attention
     * projection w (C, C), b; ln2 w, b; fc w (4C, C), b; fc projection w (C, 4C), b), then the final LayerNorm.
     */
    static void writeCheckpoint(GPT model, Path file) throws IOException {
        var c = model.config();
        int[] header = new int[HEADER_INTS];
        int[] values = {CHECKPOINT_MAGIC, CHECKPOINT_VERSION, c.contextLength(),
            Math.min(GptTokenizer.VOCAB_SIZE, c.vocabSize()), c.layers(), c.heads(), c.width(), c.vocabSize()};
        System.arraycopy(values, 0, header, 0, values.length);
        Map<String, Tensor> params = model.namedParameters();
        List<String> order = new ArrayList<>(List.of("wte.weight", "wpe.weight"));
        for (String name : List.of("ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight",
                "attn.proj.bias", "ln2.weight", "ln2.bias", "mlp.fc.weight", "mlp.fc.bias", "mlp.proj.weight",
                "mlp.proj.bias")) {
            for (int layer = 0; layer < c.layers(); layer++) {
                order.add("blocks." + layer + "." + name);
            }
        }
        order.addAll(List.of("lnf.weight", "lnf.bias"));
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            writeInts(out, header);
            for (String name : order) {
                Tensor t = params.get(name);
                if (t == null) {
                    throw new IllegalStateException("GPT has no parameter " + name + "; it has " + params.keySet());
                }
                writeFloats(out, t.toArray());
            }
        }
    }

    /** The header [magic, version, vocabulary size, end-of-text id], then per token a length byte and its bytes. */
    static void writeTokenizer(Path file) throws IOException {
        Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        int[] header = new int[HEADER_INTS];
        header[0] = TOKENIZER_MAGIC;
        header[1] = TOKENIZER_VERSION;
        header[2] = GptTokenizer.VOCAB_SIZE;
        header[3] = GptTokenizer.END_OF_TEXT;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            writeInts(out, header);
            for (int id = 0; id < GptTokenizer.VOCAB_SIZE; id++) {
                IntArrayList one = new IntArrayList(1);
                one.add(id);
                byte[] bytes = encoding.decodeBytes(one);
                out.writeByte(bytes.length);
                out.write(bytes);
            }
        }
    }

    private static void writeInts(OutputStream out, int[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(values);
        out.write(buf.array());
    }

    private static void writeFloats(OutputStream out, float[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        out.write(buf.array());
    }
}
