package dev.descent.train.data;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/** GPT-2's byte-pair encoding ({@code r50k_base}, vocabulary inside the JTokkit jar: no network). */
public final class GptTokenizer {
    /** {@code <|endoftext|>}, placed before every document. */
    public static final int END_OF_TEXT = 50256;
    /** Number of GPT-2 token ids. */
    public static final int VOCAB_SIZE = 50257;

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    /** The ids of {@code text} as plain text (a literal "<|endoftext|>" in it is not special). */
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    /** {@code <|endoftext|>} followed by the document's ids. */
    public int[] encodeDocument(String text) {
        int[] body = encode(text);
        int[] ids = new int[body.length + 1];
        ids[0] = END_OF_TEXT;
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    /**
     * The token a sample starts a document with: {@code <|endoftext|>}, or 0 for a model whose vocabulary is
     * smaller than GPT-2's ({@code --vocab}), which has no such token.
     */
    public static int documentStart(int vocab) {
        return END_OF_TEXT < vocab ? END_OF_TEXT : 0;
    }

    public String decode(int[] ids) {
        return encoding.decode(list(ids));
    }

    /** The UTF-8 bytes of token {@code id} alone: a token may hold part of a character, so these may not decode alone. */
    public byte[] bytes(int id) {
        return encoding.decodeBytes(list(new int[] {id}));
    }

    private static IntArrayList list(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            list.add(id);
        }
        return list;
    }
}
