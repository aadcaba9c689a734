package dev.descent.nn.state;

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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An open safetensors file (format in {@link SafeTensors}) whose tensors are read one at a time, so a file larger
 * than memory can be converted or loaded tensor by tensor. Opening reads and checks only the header: every entry's
 * dtype, shape and byte range against the file's size, so a truncated or malformed file fails before any data is
 * read. A caller then compares {@link #shapes()} (and {@link #requireFloat32()}) with what it expects and reads only
 * the tensors it uses, so memory is bounded by the largest tensor read, never by what the file declares. Entries of
 * any standard dtype are listed (older Hugging Face files hold BOOL mask buffers, for one); only F32 tensors can be
 * read as floats.
 */
public final class SafeTensorsReader implements Closeable {
    private static final String METADATA = "__metadata__";
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(Map.entry("F64", 8), Map.entry("F32", 4),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1),
            Map.entry("I64", 8), Map.entry("I32", 4), Map.entry("I16", 2), Map.entry("I8", 1), Map.entry("U64", 8),
            Map.entry("U32", 4), Map.entry("U16", 2), Map.entry("U8", 1), Map.entry("BOOL", 1));

    /** One tensor's header entry: its dtype, shape and bytes [begin, end) counted from the start of the data. */
    public record Entry(String dtype, Shape shape, long begin, long end) {
    }

    private final Path path;
    private final FileChannel in;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsReader(Path path, FileChannel in, long dataStart, Map<String, Entry> entries,
                              Map<String, String> metadata) {
        this.path = path;
        this.in = in;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens {@code path} and checks its header; IOException naming the file, the key and the problem. */
    public static SafeTensorsReader open(Path path) throws IOException {
        FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = in.size();
            if (size < 8) {
                throw problem(path, "is " + size + " bytes, too short for the 8-byte header length");
            }
            long headerLength = readFully(in, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw problem(path, "header length " + headerLength + " is impossible for a file of " + size + " bytes");
            }
            String json = StandardCharsets.UTF_8.decode(readFully(in, 8, (int) headerLength)).toString();
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            parseHeader(path, json, size - 8 - headerLength, entries, metadata);
            return new SafeTensorsReader(path, in, 8 + headerLength, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Every tensor's entry by name, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** Every tensor's shape, in header order. */
    public Map<String, Shape> shapes() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        entries.forEach((name, entry) -> shapes.put(name, entry.shape()));
        return shapes;
    }

    /** Checks, before any data is read, that every tensor is F32; IOException naming the first that is not. */
    public void requireFloat32() throws IOException {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            requireFloat32(e.getKey(), e.getValue());
        }
    }

    /** The header's string metadata (empty when it has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The values of the F32 tensor {@code name}, row-major; IOException for another dtype or an unknown name. */
    public float[] readFloats(String name) throws IOException {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw problem(path, "has no tensor '" + name + "'");
        }
        requireFloat32(name, entry);
        long length = entry.end() - entry.begin();
        if (length > Integer.MAX_VALUE) {
            throw problem(path, "tensor '" + name + "' of shape " + entry.shape() + " is too large to read at once");
        }
        ByteBuffer bytes = readFully(in, dataStart + entry.begin(), (int) length);
        float[] values = new float[entry.shape().numel()];
        bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** The F32 tensor {@code name} on the default backend. */
    public Tensor readTensor(String name) throws IOException {
        float[] values = readFloats(name);
        return Backends.defaultBackend().fromArray(values, entries.get(name).shape());
    }

    private void requireFloat32(String name, Entry entry) throws IOException {
        if (!entry.dtype().equals("F32")) {
            throw problem(path, "tensor '" + name + "' has dtype " + entry.dtype() + "; only F32 is supported");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Fills {@code entries} and {@code metadata} from the header, checking each entry against {@code dataBytes}. */
    private static void parseHeader(Path path, String json, long dataBytes, Map<String, Entry> entries,
                                    Map<String, String> metadata) throws IOException {
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
    }

    private static Entry parseEntry(Path path, String key, JsonObject o, long dataBytes) throws IOException {
        String dtype = field(path, key, o, "dtype").getAsString();
        Integer elementBytes = DTYPE_BYTES.get(dtype);
        if (elementBytes == null) {
            throw problem(path, "tensor '" + key + "' has the unknown dtype " + dtype);
        }
        JsonArray shapeJson = field(path, key, o, "shape").getAsJsonArray();
        int[] dims = new int[shapeJson.size()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shapeJson.get(i).getAsInt();
            count *= dims[i];
        }
        JsonArray offsets = field(path, key, o, "data_offsets").getAsJsonArray();
        if (offsets.size() != 2) {
            throw problem(path, "tensor '" + key + "' needs data_offsets [begin, end], got " + offsets);
        }
        long begin = offsets.get(0).getAsLong();
        long end = offsets.get(1).getAsLong();
        Shape shape = Shape.of(dims);
        long needed = elementBytes * count;
        if (begin < 0 || end < begin || end - begin != needed) {
            throw problem(path, "tensor '" + key + "' of shape " + shape + " needs " + needed
                    + " bytes, but data_offsets are [" + begin + ", " + end + "] (dtype " + dtype + ", "
                    + elementBytes + " bytes a value)");
        }
        if (end > dataBytes) {
            throw problem(path, "tensor '" + key + "' ends at byte " + end + " but the file holds only " + dataBytes
                    + " bytes of data (truncated?)");
        }
        return new Entry(dtype, shape, begin, end);
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
