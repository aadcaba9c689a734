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
     * returns the file's metadata. The header is read first and every key and shape checked against the module,
     * so a file that does not fit is refused before any data is read and the module is unchanged; then the
     * tensors are read one at a time and copied in, so memory is bounded by the largest tensor, whatever the file
     * declares. (Only an I/O error while reading the data, after every check passed, leaves the module partly
     * loaded.)
     *
     * @throws IOException              if the file is unreadable, malformed or truncated
     * @throws IllegalArgumentException if keys are missing or unexpected or shapes differ (each one named)
     */
    public static Map<String, String> load(Module module, Path path) throws IOException {
        try (SafeTensors.Reader file = SafeTensors.Reader.open(path)) {
            try {
                module.checkStateDictShapes(file.shapes());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
            }
            for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
                try (MemoryScope read = e.getValue().backend().scope()) {
                    e.getValue().copyFrom(file.tensor(e.getKey()));
                }
            }
            return file.metadata();
        }
    }
}
