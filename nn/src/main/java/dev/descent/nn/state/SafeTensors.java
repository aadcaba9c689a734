package dev.descent.nn.state;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.descent.core.Backends;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes named float32 tensors in the safetensors format, which PyTorch, JAX and the Hugging Face
 * tools read directly:
 * <pre>
 * 8 bytes    N, the header length, unsigned little-endian
 * N bytes    a UTF-8 JSON object, padded with spaces so that 8 + N is a multiple of 8:
 *            {"__metadata__": {"k": "v"},                                   (optional, strings only)
 *             "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..}
 * the rest   the data: each tensor's values row-major, little-endian, bytes [begin, end) counted from here
 * </pre>
 * Tensors are written in the map's iteration order (a module's state dict lists them as the module does), packed
 * with no gaps, and the header lists them in that same order after {@code __metadata__}; write from a
 * LinkedHashMap or TreeMap for a reproducible file. Files are written to a temporary name beside the target
 * and renamed, so a crash never leaves a torn file. Only dtype F32 is read or written.
 */
public final class SafeTensors {
    private static final String METADATA = "__metadata__";
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final int CHUNK_FLOATS = 1 << 20;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private SafeTensors() {
    }

    /** A file's tensors, in header order, and its metadata (empty when it has none). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** Writes {@code tensors} with no metadata. */
    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        write(path, tensors, Map.of());
    }

    /** Writes {@code tensors} and string {@code metadata} to {@code path}, atomically replacing any old file. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata);
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
                writeFully(out, ByteBuffer.wrap(header));
                for (Tensor t : tensors.values()) {
                    writeFloats(out, t.toArray());
                }
                out.force(true);
            }
            moveIntoPlace(tmp, path);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The JSON header padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        JsonObject root = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            root.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("safetensors: '" + METADATA + "' is reserved and cannot name a tensor");
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (int d : e.getValue().shape().dims()) {
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

    private static void writeFloats(FileChannel out, float[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(values.length, CHUNK_FLOATS)).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < values.length; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, values.length - from);
            buf.clear();
            buf.asFloatBuffer().put(values, from, n);
            buf.limit(4 * n);
            writeFully(out, buf);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads every tensor (onto the default backend) and the metadata. The whole header is checked against the
     * file's size before any data is read; a malformed header, an unsupported dtype, or a tensor whose bytes
     * are missing (a truncated file) fails with an IOException naming the file, the key and the problem.
     */
    public static Contents read(Path path) throws IOException {
        try (Reader file = Reader.open(path)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String key : file.shapes().keySet()) {
                tensors.put(key, file.tensor(key));
            }
            return new Contents(tensors, file.metadata());
        }
    }

    /**
     * An open file whose header has been read and checked against the file's size, with no data read yet: a
     * caller compares {@link #shapes()} with what it expects, then reads only the tensors it uses, one at a time,
     * so memory is bounded by the largest tensor read, never by what the file declares.
     */
    public static final class Reader implements Closeable {
        private final Path path;
        private final FileChannel in;
        private final long dataStart;
        private final Header header;

        private Reader(Path path, FileChannel in, long dataStart, Header header) {
            this.path = path;
            this.in = in;
            this.dataStart = dataStart;
            this.header = header;
        }

        /** Opens {@code path} and checks its header (see {@link SafeTensors#read}). */
        public static Reader open(Path path) throws IOException {
            FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
            try {
                long size = in.size();
                if (size < 8) {
                    throw problem(path, "is " + size + " bytes, too short for the 8-byte header length");
                }
                long headerLength = readFully(in, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                    throw problem(path, "header length " + headerLength + " is impossible for a file of " + size
                            + " bytes");
                }
                String json = StandardCharsets.UTF_8.decode(readFully(in, 8, (int) headerLength)).toString();
                return new Reader(path, in, 8 + headerLength, parseHeader(path, json, size - 8 - headerLength));
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }

        /** Every tensor's shape, in header order. */
        public Map<String, Shape> shapes() {
            Map<String, Shape> shapes = new LinkedHashMap<>();
            header.entries().forEach((key, entry) -> shapes.put(key, entry.shape()));
            return shapes;
        }

        /** The header's metadata (empty when it has none). */
        public Map<String, String> metadata() {
            return header.metadata();
        }

        /** The values of tensor {@code key}, row-major. */
        public float[] floats(String key) throws IOException {
            Entry entry = header.entries().get(key);
            if (entry == null) {
                throw problem(path, "has no tensor '" + key + "'");
            }
            ByteBuffer bytes = readFully(in, dataStart + entry.begin(), (int) (entry.end() - entry.begin()));
            float[] values = new float[entry.shape().numel()];
            bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }

        /** Tensor {@code key} on the default backend. */
        public Tensor tensor(String key) throws IOException {
            return Backends.defaultBackend().fromArray(floats(key), header.entries().get(key).shape());
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private record Entry(Shape shape, long begin, long end) {
    }

    private record Header(Map<String, Entry> entries, Map<String, String> metadata) {
    }

    /** Parses and checks the header: dtypes, shapes, and offsets that fit the {@code dataBytes} after it. */
    private static Header parseHeader(Path path, String json, long dataBytes) throws IOException {
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw problem(path, "header is not a JSON object");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            // Gson's message names its exception class and ends with a help link on a line of its own
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    .replaceFirst("^[\\w.]+Exception: ", "");
            throw problem(path, "header is not valid JSON: " + why);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            try {
                if (e.getKey().equals(METADATA)) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        metadata.put(m.getKey(), m.getValue().getAsJsonPrimitive().getAsString());
                    }
                } else {
                    entries.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue().getAsJsonObject(), dataBytes));
                }
            } catch (IllegalStateException | IllegalArgumentException | UnsupportedOperationException ex) {
                // Gson's getAs* accessors signal a JSON value of the wrong kind with these three exceptions.
                throw problem(path, "'" + e.getKey() + "' is malformed (" + ex.getMessage() + "): " + e.getValue());
            }
        }
        return new Header(entries, metadata);
    }

    private static Entry parseEntry(Path path, String key, JsonObject o, long dataBytes) throws IOException {
        String dtype = field(path, key, o, "dtype").getAsString();
        if (!dtype.equals("F32")) {
            throw problem(path, "tensor '" + key + "' has dtype " + dtype + "; only F32 is supported");
        }
        JsonArray shapeJson = field(path, key, o, "shape").getAsJsonArray();
        int[] dims = new int[shapeJson.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shapeJson.get(i).getAsInt();
        }
        JsonArray offsets = field(path, key, o, "data_offsets").getAsJsonArray();
        if (offsets.size() != 2) {
            throw problem(path, "tensor '" + key + "' needs data_offsets [begin, end], got " + offsets);
        }
        long begin = offsets.get(0).getAsLong();
        long end = offsets.get(1).getAsLong();
        Shape shape = Shape.of(dims);
        if (begin < 0 || end < begin || end - begin != 4L * shape.numel()) {
            throw problem(path, "tensor '" + key + "' of shape " + shape + " needs " + 4L * shape.numel()
                    + " bytes, but data_offsets are [" + begin + ", " + end + "]");
        }
        if (end > dataBytes) {
            throw problem(path, "tensor '" + key + "' ends at byte " + end + " but the file holds only " + dataBytes
                    + " bytes of data (truncated?)");
        }
        return new Entry(shape, begin, end);
    }

    private static JsonElement field(Path path, String key, JsonObject o, String name) throws IOException {
        JsonElement value = o.get(name);
        if (value == null) {
            throw problem(path, "tensor '" + key + "' has no " + name);
        }
        return value;
    }

    private static ByteBuffer readFully(FileChannel in, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (in.read(buf, position + buf.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buf.position()));
            }
        }
        return buf.flip();
    }

    private static IOException problem(Path path, String what) {
        return new IOException("safetensors file " + path + ": " + what);
    }
}
