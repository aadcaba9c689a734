package dev.descent.nn.state;

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
     * returns the file's metadata. The file is read and checked in full, then every key and shape is checked
     * against the module; only then are values copied, so on any error the module is unchanged.
     *
     * @throws IOException              if the file is unreadable, malformed or truncated
     * @throws IllegalArgumentException if keys are missing or unexpected or shapes differ (each one named)
     */
    public static Map<String, String> load(Module module, Path path) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(path);
        try {
            module.loadStateDict(contents.tensors());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
        return contents.metadata();
    }
}
