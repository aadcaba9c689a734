package dev.descent.nn.state;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves and loads a module's parameters and buffers ({@link Module#stateDict()}) as a safetensors file whose
 * keys are the dotted names, in the module's order.
 */
public final class StateDict {
    private StateDict() {
    }

    public static void save(Module module, Path path) throws IOException {
        save(module, path, Map.of());
    }

    /** Writes the module's state with string metadata (e.g. the configuration), atomically. */
    public static void save(Module module, Path path, Map<String, String> metadata) throws IOException {
        SafeTensors.write(path, module.stateDict(), metadata);
    }

    /**
     * Loads a file written by {@link #save} (or by PyTorch's safetensors with matching names) into the module and
     * returns the file's metadata. The header is checked in full first (byte ranges against the file's size, every
     * key, shape and dtype against the module); only then are values read and copied, one tensor at a time, so the
     * file is never held in memory twice and on any header error the module is unchanged.
     *
     * @throws IOException              if the file is unreadable, malformed or truncated, or holds a dtype not F32
     * @throws IllegalArgumentException if keys are missing or unexpected or shapes differ (each one named)
     */
    public static Map<String, String> load(Module module, Path path) throws IOException {
        try (SafeTensorsReader in = SafeTensorsReader.open(path)) {
            Map<String, Shape> shapes = new LinkedHashMap<>();
            in.entries().forEach((key, entry) -> shapes.put(key, entry.shape()));
            try {
                module.checkStateShapes(shapes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
            }
            for (Map.Entry<String, SafeTensorsReader.Entry> e : in.entries().entrySet()) {
                if (!e.getValue().dtype().equals("F32")) {
                    throw SafeTensorsReader.problem(path, "tensor '" + e.getKey() + "' has dtype "
                            + e.getValue().dtype() + "; only F32 is supported");
                }
            }
            for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
                Tensor own = e.getValue();
                own.copyFrom(own.backend().fromArray(in.readFloats(e.getKey()), own.shape()));
            }
            return in.metadata();
        }
    }
}
