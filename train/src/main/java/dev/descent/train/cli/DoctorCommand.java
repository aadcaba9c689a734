package dev.descent.train.cli;

import dev.descent.cuda.doctor.Doctor;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code doctor}: what this machine offers for CUDA, and what is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report the NVIDIA driver, CUDA libraries, GPU and what to install.")
public final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Doctor.Report report = Doctor.examine();
        System.out.println(report);
        System.out.println("CPU backend: ready (" + Runtime.getRuntime().availableProcessors() + " cores)");
        return report.usable() ? 0 : 1;
    }
}
