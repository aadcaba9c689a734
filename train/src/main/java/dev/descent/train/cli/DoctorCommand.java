package dev.descent.train.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code doctor}: what this machine offers for CUDA, and what is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report the NVIDIA driver, CUDA libraries, GPU and what to install.")
public final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("CPU backend: ready (" + Runtime.getRuntime().availableProcessors() + " cores)");
        return 0;
    }
}
