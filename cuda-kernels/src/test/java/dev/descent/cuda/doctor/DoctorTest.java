package dev.descent.cuda.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.cuda.NativeLibraries;
import org.junit.jupiter.api.Test;

class DoctorTest {
    @Test
    void reportsEveryPieceAndNeverThrows() {
        Doctor.Report report = Doctor.examine();
        assertThat(report.lines()).anyMatch(l -> l.startsWith("libcuda.so.1 (NVIDIA driver): "))
                .anyMatch(l -> l.startsWith("libnvrtc.so.12 "))
                .anyMatch(l -> l.startsWith("libcublas.so.12 "))
                .anyMatch(l -> l.startsWith("nvcc: "))
                .anyMatch(l -> l.startsWith("GPU: "))
                .anyMatch(l -> l.startsWith("CUDA backend: "));
        assertThat(report.usable()).isEqualTo(report.lines().stream().anyMatch(l -> l.startsWith("CUDA backend: ok")));
    }

    @Test
    void withoutADriverItSaysWhatToInstall() {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeLibraries.find(NativeLibraries.DRIVER).isEmpty(),
                "this machine has libcuda.so.1; the no-driver report is checked on machines without one");
        Doctor.Report report = Doctor.examine();
        assertThat(report.usable()).isFalse();
        assertThat(report.toString()).contains("libcuda.so.1 (NVIDIA driver): not found -> install the NVIDIA driver")
                .contains("GPU: NO: the CUDA driver is not usable")
                .contains("CUDA backend: NO");
    }
}
