package dev.descent.cuda.compile;

import java.util.List;

/** One compile: a {@code .cu} file and the {@code -D} macros it is compiled with, e.g. matmul.cu with tile sizes. */
public record CompileUnit(String file, List<String> defines) {
    public CompileUnit {
        defines = List.copyOf(defines);
    }

    @Override
    public String toString() {
        return defines.isEmpty() ? file : file + " " + String.join(" ", defines);
    }
}
