package dev.descent.nn.state;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.descent.core.MemoryScope;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file (format in {@link SafeTensors}) one F32 tensor at a time, so a model larger than
 * memory can be written tensor by tensor. The names and shapes are given up front (they make the header);
 * {@link #write} must then be called once per tensor, in that order, and {@link #commit} moves the finished file
 * into place. The bytes go to a temporary file beside the target; closing without a commit deletes it, so a crash
 * or an error never leaves a torn file under the target's name.
 */
public final class SafeTensorsWriter implements Closeable {
    private static final String METADATA = "__metadata__";
    /**
     * Floats per write: 512 KiB, so that neither the byte buffer nor a chunk read from a tensor is a "humongous"
     * object for G1 (half a region or more: regions are 1 MiB and up), which it would collect late.
     */
    private static final int CHUNK_FLOATS = 1 << 17;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Path target;
    private final Path tmp;
    private final FileChannel out;
    private final List<Map.Entry<String, Shape>> layout;
    private final ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
    private int next;

    /** Opens a temporary file beside {@code target} and writes the header for {@code layout}, in its order. */
    public SafeTensorsWriter(Path target, Map<String, Shape> layout, Map<String, String> metadata) throws IOException {
        byte[] header = header(layout, metadata);
        this.target = target;
        this.layout = new ArrayList<>(layout.entrySet());
        this.tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".tmp");
        this.out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            writeFully(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
            writeFully(ByteBuffer.wrap(header));
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Appends the next tensor's values; {@code name} must be the next one of the layout, with its element count. */
    public void write(String name, float[] values) throws IOException {
        expectNext(name, values.length);
        for (int from = 0; from < values.length; from += CHUNK_FLOATS) {
            append(values, from, Math.min(CHUNK_FLOATS, values.length - from));
        }
        next++;
    }

    /**
     * Appends the next tensor's values as {@link #write(String, float[])} does, read from its backend a chunk at a
     * time: the host holds one chunk of it, never a whole copy (an optimizer's state is three model-sized copies).
     */
    public void write(String name, Tensor values) throws IOException {
        int count = values.numel();
        expectNext(name, count);
        Tensor flat = values.detach().reshape(count);
        for (int from = 0; from < count; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, count - from);
            float[] chunk;
            try (MemoryScope temps = values.backend().scope()) {
                chunk = flat.slice(0, from, from + n).toArray();
            }
            append(chunk, 0, n);
        }
        next++;
    }

    private void expectNext(String name, int count) {
        if (next == layout.size()) {
            throw new IllegalStateException("safetensors writer for " + target + ": '" + name
                    + "' is one tensor more than the header lists");
        }
        Map.Entry<String, Shape> expected = layout.get(next);
        if (!expected.getKey().equals(name) || expected.getValue().numel() != count) {
            throw new IllegalStateException("safetensors writer for " + target + ": expected '" + expected.getKey()
                    + "' " + expected.getValue() + " next, got '" + name + "' with " + count + " values");
        }
    }

    /** Writes values[from, from + n), n at most {@link #CHUNK_FLOATS}, little-endian. */
    private void append(float[] values, int from, int n) throws IOException {
        chunk.clear();
        chunk.asFloatBuffer().put(values, from, n);
        chunk.limit(4 * n);
        writeFully(chunk);
    }

    /** Flushes the complete file to disk and moves it to the target, atomically replacing any old file. */
    public void commit() throws IOException {
        if (next != layout.size()) {
            throw new IllegalStateException("safetensors writer for " + target + ": " + (layout.size() - next)
                    + " of " + layout.size() + " tensors not written, first '" + layout.get(next).getKey() + "'");
        }
        out.force(true);
        out.close();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the temporary file unless {@link #commit} moved it into place. */
    @Override
    public void close() throws IOException {
        out.close();
        Files.deleteIfExists(tmp);
    }

    /** The JSON header padded with spaces to a multiple of 8 bytes: metadata first, then each tensor packed in order. */
    private static byte[] header(Map<String, Shape> layout, Map<String, String> metadata) {
        JsonObject root = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            root.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Shape> e : layout.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("safetensors: '" + METADATA + "' is reserved and cannot name a tensor");
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (int d : e.getValue().dims()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            long end = offset + 4L * e.getValue().numel();
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            entry.add("data_offsets", offsets);
            root.add(e.getKey(), entry);
            offset = end;
        }
        byte[] json = GSON.toJson(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
