package dev.descent.train.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Text to token ids and back. Every document in a dataset starts with the {@link #endOfText()} token; a dataset
 * directory, and each checkpoint trained on it, records its tokenizer in {@code tokenizer.json}
 * ({@link Tokenizers#recordedIn}), so training, sampling and the bits-per-character figures all read text the way
 * the shards were written.
 */
public interface Tokenizer {
    /** The file in a dataset directory that says how its shards were tokenized. */
    String FILE = "tokenizer.json";

    /** The ids of {@code text} as plain text (a literal "<|endoftext|>" in it is not special). */
    int[] encode(String text);

    /** The text of {@code ids}; the end-of-text token reads {@code <|endoftext|>}. */
    String decode(int[] ids);

    /** Number of token ids, the end-of-text token included. */
    int vocabSize();

    /** The id placed before every document. */
    int endOfText();

    /** A short name for logs and file names, such as {@code gpt2} or {@code bpe-2048}. */
    String name();

    /** The UTF-8 bytes of token {@code id} alone: a token may hold part of a character, so they may not decode alone. */
    byte[] bytes(int id);

    /** The contents of {@link #FILE}, from which {@link Tokenizers#recordedIn} makes this tokenizer again. */
    String json();

    /** Writes {@link #FILE} into the directory {@code dir} (a dataset's). */
    default void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE), json(), StandardCharsets.UTF_8);
    }

    /**
     * The token a sample starts a document with: {@link #endOfText()}, or 0 for a model whose vocabulary of
     * {@code modelVocab} ids is too small to hold it ({@code --vocab}).
     */
    default int documentStart(int modelVocab) {
        return endOfText() < modelVocab ? endOfText() : 0;
    }

    /** {@code <|endoftext|>} followed by the document's ids. */
    default int[] encodeDocument(String text) {
        int[] body = encode(text);
        int[] ids = new int[body.length + 1];
        ids[0] = endOfText();
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    /**
     * Characters (Unicode code points) of the text that {@code ids} stand for, end-of-text tokens left out: the
     * denominator of bits per character.
     */
    default long characters(int[] ids) {
        int kept = 0;
        int[] text = new int[ids.length];
        for (int id : ids) {
            if (id != endOfText()) {
                text[kept++] = id;
            }
        }
        String decoded = decode(Arrays.copyOf(text, kept));
        return decoded.codePointCount(0, decoded.length());
    }
}
