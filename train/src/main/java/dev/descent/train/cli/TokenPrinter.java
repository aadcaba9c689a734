package dev.descent.train.cli;

import dev.descent.train.data.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * Prints generated tokens as they come. A token is a run of bytes that may end inside a UTF-8 character
 * (an emoji often spans two tokens), so bytes are held back until their character is complete.
 */
final class TokenPrinter implements IntConsumer {
    private final Tokenizer tokenizer;
    private final PrintStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    TokenPrinter(Tokenizer tokenizer, PrintStream out) {
        this.tokenizer = tokenizer;
        this.out = out;
    }

    @Override
    public void accept(int token) {
        pending.writeBytes(tokenizer.bytes(token));
        byte[] bytes = pending.toByteArray();
        int complete = completeLength(bytes);
        out.print(new String(bytes, 0, complete, StandardCharsets.UTF_8));
        out.flush();
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
    }

    /** Prints what is still held back (as replacement characters if it never completed) and ends the line. */
    void finish() {
        out.println(pending.toString(StandardCharsets.UTF_8));
        pending.reset();
    }

    /** The length of the longest prefix of {@code bytes} that ends on a character boundary. */
    static int completeLength(byte[] bytes) {
        int start = bytes.length - 1;
        // step back over at most 3 continuation bytes (10xxxxxx) to the last character's lead byte
        while (start >= 0 && bytes.length - start < 4 && (bytes[start] & 0xC0) == 0x80) {
            start--;
        }
        if (start < 0) {
            return bytes.length;
        }
        int lead = bytes[start] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return bytes.length - start < needed ? start : bytes.length;
    }
}
