package dev.descent.train.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back. Every document in a dataset starts with the {@link #endOfText()} token; a dataset
 * directory records its tokenizer in {@code tokenizer.json} ({@link Tokenizers#forDataset}), so training,
 * sampling and the bits-per-character figures all read text the way the shards were written.
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

    /** Writes {@link #FILE} into the dataset directory {@code dir}. */
    void save(Path dir) throws IOException;

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
        String decoded = decode(java.util.Arrays.copyOf(text, kept));
        return decoded.codePointCount(0, decoded.length());
    }
}
