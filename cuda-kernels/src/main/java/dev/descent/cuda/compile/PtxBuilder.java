package dev.descent.cuda.compile;

import java.util.List;

/** PTX for a kernel file and macro set: from the {@link PtxCache} when present, else compiled and cached. */
public final class PtxBuilder {
    private final CompilerChoice choice;
    private final PtxCache cache;

    public PtxBuilder(CompilerChoice choice, PtxCache cache) {
        this.choice = choice;
        this.cache = cache;
    }

    public CompilerChoice choice() {
        return choice;
    }

    /** The PTX of {@code file} compiled with {@code -D} {@code defines} for the chosen architecture. */
    public String ptx(String file, List<String> defines) {
        KernelSource source = KernelSource.load(file);
        String key = source.hash(defines, choice.compiler().name() + "/compute_" + choice.arch());
        return cache.get(file, key).orElseGet(() -> {
            String ptx = choice.compiler().compile(source, defines, choice.arch());
            if (!cache.put(file, key, ptx)) {
                System.getLogger(PtxBuilder.class.getName()).log(System.Logger.Level.WARNING,
                        "could not write the PTX cache in " + cache.dir() + "; kernels will be recompiled next run");
            }
            return ptx;
        });
    }
}
