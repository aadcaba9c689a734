package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import dev.descent.core.profile.Counter;
import dev.descent.core.profile.EventKind;
import dev.descent.core.profile.Profile;
import dev.descent.core.profile.ProfileRow;
import dev.descent.core.profile.Profiler;
import dev.descent.core.profile.Span;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The profiler on the GPU: every launch is a kernel row timed with CUDA events, the ops' self device times add up to
 * the kernels' times, and a read back to the host is a synchronisation charged where it happened.
 */
@Tag("gpu")
class ProfileOnCudaTest {
    @Test
    void kernelsAreTimedOnTheDeviceAndChargedToTheOpsThatLaunchedThem() {
        CudaBackend gpu = Gpu.backend();
        Profile p;
        try (MemoryScope scope = gpu.scope()) {
            Tensor w1 = Inputs.randn(gpu, 1, 64, 256).requiresGrad(true);
            Tensor w2 = Inputs.randn(gpu, 2, 256, 64).requiresGrad(true);
            Tensor x = Inputs.randn(gpu, 3, 32, 64);
            x.matmul(w1).gelu().matmul(w2).sum().backward();     // warm-up: compiles the kernels
            p = Profiler.start();
            try (p) {
                x.matmul(w1).gelu().matmul(w2).sum().backward();
                try (Span read = Profiler.phase("read")) {
                    w1.grad().toArray();
                }
            }
        }
        List<ProfileRow> kernels = p.rows().stream().filter(r -> r.kind() == EventKind.KERNEL).toList();
        long launches = kernels.stream().mapToLong(ProfileRow::calls).sum();
        long kernelNanos = kernels.stream().mapToLong(ProfileRow::selfDeviceNanos).sum();
        assertThat(p.deviceTimed()).isTrue();
        assertThat(p.total(Counter.LAUNCHES)).isEqualTo(launches).isPositive();
        assertThat(kernels).allSatisfy(k -> assertThat(k.selfDeviceNanos()).isPositive());
        assertThat(p.deviceNanos()).as("the ops' self device times are the kernels' times").isEqualTo(kernelNanos);
        ProfileRow matmul = p.row(EventKind.OP, "matmul", "forward").orElseThrow();
        assertThat(matmul.calls()).isEqualTo(2);
        assertThat(matmul.count(Counter.LAUNCHES)).isGreaterThanOrEqualTo(2);
        assertThat(matmul.selfDeviceNanos()).isPositive().isEqualTo(matmul.totalDeviceNanos());
        assertThat(p.calls(EventKind.BACKWARD, "matmul.backward", "backward")).isEqualTo(2);
        ProfileRow read = p.row(EventKind.PHASE, "read", "read").orElseThrow();
        assertThat(read.count(Counter.SYNCS)).as("toArray waits for the stream once").isEqualTo(1);
        assertThat(p.table()).contains("Self device %", "Device total", "Launches", "Syncs");
    }
}
