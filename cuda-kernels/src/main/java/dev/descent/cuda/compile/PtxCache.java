package dev.descent.cuda.compile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Compiled PTX on disk, keyed by {@link KernelSource#hash} (source, headers, macros, compiler, architecture), so a
 * kernel is compiled once per machine and change. Files are written to a temporary name and renamed, so a crash
 * never leaves a torn entry. Folder: {@code $DESCENT_PTX_CACHE}, else {@code ~/.cache/descent/ptx}, else
 * {@code java.io.tmpdir/descent-ptx} when the home folder is not writable.
 */
public final class PtxCache {
    private final Path dir;

    public PtxCache(Path dir) {
        this.dir = dir;
    }

    /** The default folder (see the class comment), created if needed. */
    public static PtxCache defaultCache() {
        String env = System.getenv("DESCENT_PTX_CACHE");
        if (env != null && !env.isBlank()) {
            return new PtxCache(Path.of(env));
        }
        Path home = Path.of(System.getProperty("user.home", "."), ".cache", "descent", "ptx");
        try {
            Files.createDirectories(home);
            if (Files.isWritable(home)) {
                return new PtxCache(home);
            }
        } catch (IOException | SecurityException e) {
            // fall through to the temporary folder
        }
        return new PtxCache(Path.of(System.getProperty("java.io.tmpdir"), "descent-ptx"));
    }

    public Path dir() {
        return dir;
    }

    private Path fileFor(String file, String key) {
        String stem = file.endsWith(".cu") ? file.substring(0, file.length() - 3) : file;
        return dir.resolve(stem + "-" + key.substring(0, Math.min(32, key.length())) + ".ptx");
    }

    /** The cached PTX for {@code file} under {@code key}, if present and readable. */
    public Optional<String> get(String file, String key) {
        Path p = fileFor(file, key);
        try {
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Stores PTX and says whether it worked. A cache that cannot be written only costs a recompile next time, so a
     * failure is the caller's to report, not an error.
     */
    public boolean put(String file, String key, String ptx) {
        Path target = fileFor(file, key);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "partial-", ".tmp");
            Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
