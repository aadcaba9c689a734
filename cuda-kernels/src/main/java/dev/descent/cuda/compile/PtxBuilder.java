package dev.descent.cuda.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PTX for a kernel file and macro set: from the {@link PtxCache} when present, else compiled and cached. Counts
 * what it compiles and how long the compiler ran, so a run can say what compilation cost it.
 */
public final class PtxBuilder {
    private final CompilerChoice choice;
    private final PtxCache cache;
    private final AtomicInteger compiles = new AtomicInteger();
    private final AtomicInteger cacheHits = new AtomicInteger();
    private final AtomicLong compileNanos = new AtomicLong();

    public PtxBuilder(CompilerChoice choice, PtxCache cache) {
        this.choice = choice;
        this.cache = cache;
    }

    public CompilerChoice choice() {
        return choice;
    }

    /** What this builder did so far. */
    public record Stats(int compiles, double compileSeconds, int cacheHits) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d compiled in %.1f s, %d from the PTX cache", compiles,
                    compileSeconds, cacheHits);
        }
    }

    public Stats stats() {
        return new Stats(compiles.get(), compileNanos.get() / 1e9, cacheHits.get());
    }

    /** The PTX of {@code file} compiled with {@code -D} {@code defines} for the chosen architecture. */
    public String ptx(String file, List<String> defines) {
        KernelSource source = KernelSource.load(file);
        String key = source.hash(defines, choice.compiler().identity() + "/compute_" + choice.arch());
        Optional<String> cached = cache.get(file, key);
        if (cached.isPresent()) {
            cacheHits.incrementAndGet();
            return cached.get();
        }
        long start = System.nanoTime();
        String ptx = choice.compiler().compile(source, defines, choice.arch());
        compileNanos.addAndGet(System.nanoTime() - start);
        compiles.incrementAndGet();
        if (!cache.put(file, key, ptx)) {
            System.getLogger(PtxBuilder.class.getName()).log(System.Logger.Level.WARNING,
                    "could not write the PTX cache in " + cache.dir() + "; kernels will be recompiled next run");
        }
        return ptx;
    }

    /**
     * Puts every unit into the cache, compiling those missing with up to {@code parallel} compiler runs at a time
     * (nvcc is one process per unit, so a cold cache costs the longest compile rather than their sum).
     */
    public void prebuild(List<CompileUnit> units, int parallel) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, units.size())));
        try {
            List<Future<String>> done = new ArrayList<>();
            for (CompileUnit u : units) {
                done.add(pool.submit(() -> ptx(u.file(), u.defines())));
            }
            for (Future<String> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling kernels", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
