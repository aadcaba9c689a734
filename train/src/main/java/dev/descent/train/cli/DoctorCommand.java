package dev.descent.train.cli;

import dev.descent.cuda.doctor.Doctor;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code doctor}: what this machine offers for CUDA, what is missing, and that the CPU backend is ready. Exit 0
 * when descent can train here (the CPU always can); {@code --require-cuda} makes a missing GPU an error.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report the NVIDIA driver, CUDA libraries, GPU and what to install; the CPU backend is always ready.")
public final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--require-cuda", description = "Exit 1 unless the CUDA backend can start (for scripts).")
    boolean requireCuda;

    @Override
    public Integer call() {
        Doctor.Report report = Doctor.examine();
        System.out.println(report);
        System.out.println("CPU backend: ready (" + Runtime.getRuntime().availableProcessors() + " cores)");
        System.out.println(report.usable() ? "descent can train here on the GPU (--device cuda) or the CPU"
                : "descent can train here on the CPU (--device cpu); the lines above say what the GPU needs");
        return requireCuda && !report.usable() ? 1 : 0;
    }
}
