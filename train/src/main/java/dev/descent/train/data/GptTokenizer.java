package dev.descent.train.data;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/** GPT-2's byte-pair encoding ({@code r50k_base}, vocabulary inside the JTokkit jar: no network). */
public final class GptTokenizer implements Tokenizer {
    /** {@code <|endoftext|>}, placed before every document. */
    public static final int END_OF_TEXT = 50256;
    /** Number of GPT-2 token ids. */
    public static final int VOCAB_SIZE = 50257;

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids) {
        return encoding.decode(list(ids));
    }

    @Override
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

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int endOfText() {
        return END_OF_TEXT;
    }

    @Override
    public String name() {
        return "gpt2";
    }

    @Override
    public String json() {
        return "{\"type\": \"gpt2\"}\n";
    }
}
