package dev.descent.train.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A token shard file, llm.c's layout: a header of 256 little-endian int32 — {@code [MAGIC, VERSION, tokenCount,
 * 0, ..]} — then {@code tokenCount} little-endian uint16 token ids. So a file is exactly
 * {@code 1024 + 2·tokenCount} bytes, which the reader checks.
 */
public final class Shard {
    public static final int MAGIC = 20240520;
    public static final int VERSION = 1;
    public static final int HEADER_INTS = 256;
    public static final int HEADER_BYTES = HEADER_INTS * Integer.BYTES;

    private Shard() {
    }

    /** Writes {@code tokens} to {@code file} through a temporary file and a rename, so no torn shard is left. */
    public static void write(Path file, int[] tokens) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + 2 * tokens.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(VERSION).putInt(tokens.length);
        buf.position(HEADER_BYTES);
        for (int t : tokens) {
            if (t < 0 || t > 0xFFFF) {
                throw new IllegalArgumentException("token id " + t + " does not fit in uint16 (shard " + file + ")");
            }
            buf.putShort((short) t);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, buf.array());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads and validates a shard; the error names the file and what is wrong with it. */
    public static int[] read(Path file) throws IOException {
        return read(file, 1 << 16);
    }

    /**
     * Reads and validates a shard for a model with {@code vocab} token ids: an id at or above it (a shard made with
     * another tokenizer) is refused here, naming the file and its position, not steps into training.
     */
    public static int[] read(Path file, int vocab) throws IOException {
        int[] tokens = readAll(file);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] >= vocab) {
                throw new IOException("shard " + file + " holds token id " + tokens[i] + " at token " + i + " (byte "
                        + (HEADER_BYTES + 2L * i) + "), outside the model's vocabulary of " + vocab + ": the shard was "
                        + "made for another vocabulary; prepare the data again or set --vocab");
            }
        }
        return tokens;
    }

    private static int[] readAll(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("shard " + file + " is not a file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw new IOException("shard " + file + " is truncated: " + size + " bytes, shorter than the "
                        + HEADER_BYTES + "-byte header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, header);
            header.flip();
            int magic = header.getInt();
            int version = header.getInt();
            int count = header.getInt();
            if (magic != MAGIC) {
                throw new IOException("shard " + file + " has magic " + magic + ", expected " + MAGIC
                        + " (not a descent/llm.c token shard)");
            }
            if (version != VERSION) {
                throw new IOException("shard " + file + " has version " + version + ", this reader knows " + VERSION);
            }
            long expected = HEADER_BYTES + 2L * count;
            if (count < 0 || size != expected) {
                throw new IOException("shard " + file + " declares " + count + " tokens (" + expected
                        + " bytes) but the file has " + size + " bytes" + (size < expected ? ": truncated" : ""));
            }
            ByteBuffer body = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, body);
            body.flip();
            int[] tokens = new int[count];
            for (int i = 0; i < count; i++) {
                tokens[i] = Short.toUnsignedInt(body.getShort());
            }
            return tokens;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
