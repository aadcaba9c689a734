package dev.descent.nn.state;

import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import java.io.IOException;
import java.nio.file.Path;
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
     * key, shape and dtype against the module), so a file that does not fit is refused before any data is read and
     * the module is unchanged; then the tensors are read one at a time and copied in, so memory is bounded by the
     * largest tensor, whatever the file declares. (Only an I/O error while reading the data, after every check
     * passed, leaves the module partly loaded.)
     *
     * @throws IOException              if the file is unreadable, malformed or truncated, or holds a dtype not F32
     * @throws IllegalArgumentException if keys are missing or unexpected or shapes differ (each one named)
     */
    @SuppressWarnings("try")
    public static Map<String, String> load(Module module, Path path) throws IOException {
        try (SafeTensorsReader in = SafeTensorsReader.open(path)) {
            try {
                module.checkStateDictShapes(in.shapes());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
            }
            in.requireFloat32();
            for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
                Tensor own = e.getValue();
                try (MemoryScope read = own.backend().scope()) {
                    own.copyFrom(own.backend().fromArray(in.readFloats(e.getKey()), own.shape()));
                }
            }
            return in.metadata();
        }
    }
}
