package dev.descent.nn.state;

import dev.descent.core.Backends;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.io.IOException;
import java.nio.file.Path;
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
 * and renamed, so a crash never leaves a torn file. Only dtype F32 is read or written. These two calls hold a whole
 * file in memory; {@link SafeTensorsReader} and {@link SafeTensorsWriter} go one tensor at a time.
 */
public final class SafeTensors {
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
        Map<String, Shape> layout = new LinkedHashMap<>();
        tensors.forEach((name, t) -> layout.put(name, t.shape()));
        try (SafeTensorsWriter out = new SafeTensorsWriter(path, layout, metadata)) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                out.write(e.getKey(), e.getValue());
            }
            out.commit();
        }
    }

    /**
     * Reads every tensor (onto the default backend) and the metadata. The whole header is checked against the
     * file's size before any data is read; a malformed header, an unsupported dtype, or a tensor whose bytes
     * are missing (a truncated file) fails with an IOException naming the file, the key and the problem.
     */
    public static Contents read(Path path) throws IOException {
        try (SafeTensorsReader in = SafeTensorsReader.open(path)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, SafeTensorsReader.Entry> e : in.entries().entrySet()) {
                tensors.put(e.getKey(), Backends.defaultBackend().fromArray(in.readFloats(e.getKey()), e.getValue().shape()));
            }
            return new Contents(tensors, in.metadata());
        }
    }
}
