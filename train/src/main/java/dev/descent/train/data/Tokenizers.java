package dev.descent.train.data;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Naming, making and finding tokenizers: {@code gpt2}, {@code bytes} or {@code bpe-N}. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * The tokenizer called {@code name}, trained on {@code documents} where it learns from text: {@code gpt2}
     * (GPT-2's 50,257 tokens), {@code bytes} (257: the 256 byte values and end-of-text) or {@code bpe-N} (a
     * byte-pair vocabulary of N tokens, 257 ≤ N ≤ 65536).
     */
    public static Tokenizer create(String name, List<String> documents) {
        int size = vocabSize(name);
        if (name.equals("gpt2")) {
            return new GptTokenizer();
        }
        return name.equals("bytes") ? BytePairTokenizer.bytes() : BytePairTokenizer.train(documents, size);
    }

    /** The number of token ids of the tokenizer called {@code name}, or an error naming the valid names. */
    public static int vocabSize(String name) {
        if (name.equals("gpt2")) {
            return GptTokenizer.VOCAB_SIZE;
        }
        if (name.equals("bytes")) {
            return BytePairTokenizer.bytes().vocabSize();
        }
        if (name.matches("bpe-\\d{3,5}")) {
            int size = Integer.parseInt(name.substring(4));
            if (size >= 257 && size <= 1 << 16) {
                return size;
            }
        }
        throw new IllegalArgumentException("unknown tokenizer '" + name + "'; use gpt2, bytes or bpe-N with "
                + "257 <= N <= 65536 tokens, e.g. bpe-2048");
    }

    /**
     * Refuses a model whose vocabulary of {@code modelVocab} ids cannot hold the ids of the tokenizer recorded
     * in the dataset {@code data}. (Shards written by other means, without {@link Tokenizer#FILE}, are not
     * checked: they may hold any ids.)
     */
    public static void requireFits(Path data, int modelVocab) throws IOException {
        if (!Files.exists(data.resolve(Tokenizer.FILE))) {
            return;
        }
        Tokenizer tokenizer = recordedIn(data);
        if (tokenizer.vocabSize() > modelVocab) {
            throw new IllegalArgumentException("the dataset " + data + " is in " + tokenizer.name() + " tokens ("
                    + tokenizer.vocabSize() + " ids) but the model's vocabulary has " + modelVocab + ": pass --vocab "
                    + tokenizer.vocabSize() + " or the dataset the model was trained on");
        }
    }

    /**
     * The tokenizer the dataset in {@code dir} was written with, from its {@link Tokenizer#FILE}; shards without
     * one are read as GPT-2 tokens, the format's origin (llm.c) and what descent wrote before it kept the file.
     */
    public static Tokenizer recordedIn(Path dir) throws IOException {
        Path file = dir.resolve(Tokenizer.FILE);
        if (!Files.exists(file)) {
            return new GptTokenizer();
        }
        String type;
        try {
            type = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject()
                    .get("type").getAsString();
        } catch (RuntimeException e) {
            throw new IOException("tokenizer " + file + " has no readable \"type\" (gpt2 or byte-pair): "
                    + e.getMessage(), e);
        }
        return type.equals("gpt2") ? new GptTokenizer() : BytePairTokenizer.load(file);
    }
}
