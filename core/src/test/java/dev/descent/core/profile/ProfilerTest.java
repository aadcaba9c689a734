package dev.descent.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Autograd;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The profiler's bookkeeping, timed with a manual clock so that every figure is exact: ops that "take" a known
 * number of nanoseconds, nested in each other, in forward, backward and named phases, and kernels on a fake
 * device clock.
 */
class ProfilerTest {
    private final ManualClock clock = new ManualClock();
    private final List<Profile> started = new ArrayList<>();

    /** A clock that moves only when told to. */
    private static final class ManualClock implements LongSupplier {
        long now = 1_000;

        void advance(long nanos) {
            now += nanos;
        }

        @Override
        public long getAsLong() {
            return now;
        }
    }

    /**
     * y = x (a copy) that takes {@code before} ns, runs {@code nested} (which may record ops of its own), then
     * takes {@code after} ns; its backward is {@code backward}.
     */
    private static final class Timed implements Op {
        private final String name;
        private final Tensor x;
        private final Runnable forward;
        private final Consumer<Tensor> backward;

        Timed(String name, Tensor x, Runnable forward, Consumer<Tensor> backward) {
            this.name = name;
            this.x = x;
            this.forward = forward;
            this.backward = backward;
        }

        @Override
        public Tensor forward() {
            forward.run();
            return x.detach().copy();
        }

        @Override
        public List<Tensor> inputs() {
            return List.of(x);
        }

        @Override
        public void backward(Tensor g) {
            backward.accept(g);
        }

        @Override
        public String name() {
            return name;
        }
    }

    /** An op that takes {@code before} ns, runs {@code nested}, takes {@code after} ns; backward passes g on. */
    private Tensor record(String name, Tensor x, long before, Runnable nested, long after) {
        return record(name, x, () -> {
            clock.advance(before);
            nested.run();
            clock.advance(after);
        }, x::accumulateGrad);
    }

    private static Tensor record(String name, Tensor x, Runnable forward, Consumer<Tensor> backward) {
        return Autograd.record(new Timed(name, x, forward, backward));
    }

    private Tensor timed(String name, Tensor x, long nanos) {
        return record(name, x, nanos, () -> { }, 0);
    }

    private Profile start() {
        Profile p = Profiler.start(clock);
        started.add(p);
        return p;
    }

    @AfterEach
    void closeEveryProfile() {
        started.forEach(Profile::close);
    }

    private static ProfileRow row(Profile p, EventKind kind, String name, String phase) {
        return p.row(kind, name, phase).orElseThrow(() -> new AssertionError("no row " + kind + " " + name
                + " [" + phase + "] in " + p.rows()));
    }

    @Test
    void aNestedOpCountsInItsParentsTotalButNotInItsSelfTime() {
        Tensor x = Tensor.ones(2);
        Profile p = start();
        clock.advance(5);
        record("fused", x, 100, () -> timed("inner", x, 30), 20);
        clock.advance(7);
        p.close();

        ProfileRow fused = row(p, EventKind.OP, "fused", Profiler.FORWARD);
        ProfileRow inner = row(p, EventKind.OP, "inner", Profiler.FORWARD);
        ProfileRow outside = row(p, EventKind.OUTSIDE, Recorder.OUTSIDE_NAME, Recorder.NO_PHASE);
        assertThat(fused.selfHostNanos()).isEqualTo(120);
        assertThat(fused.totalHostNanos()).isEqualTo(150);
        assertThat(inner.selfHostNanos()).isEqualTo(30);
        assertThat(inner.totalHostNanos()).isEqualTo(30);
        assertThat(outside.selfHostNanos()).isEqualTo(12);
        assertThat(p.wallNanos()).as("self times add up to the wall time").isEqualTo(162);
        assertThat(p.deviceTimed()).isFalse();
        assertThat(fused.selfDeviceNanos()).as("on the CPU the device time is the wall clock").isEqualTo(120);
    }

    @Test
    void anOpNestedInItselfCountsItsTotalOnce() {
        Tensor x = Tensor.ones(2);
        Profile p = start();
        record("block", x, 10, () -> timed("block", x, 4), 0);
        p.close();

        ProfileRow block = row(p, EventKind.OP, "block", Profiler.FORWARD);
        assertThat(block.calls()).isEqualTo(2);
        assertThat(block.selfHostNanos()).isEqualTo(14);
        assertThat(block.totalHostNanos()).as("not 14 + 4").isEqualTo(14);
    }

    @Test
    void backwardIsReportedApartFromForwardWithTheOpsItCallsInTheBackwardPhase() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Profile p = start();
        Tensor y = record("outer", x, () -> clock.advance(10), g -> {
            clock.advance(50);
            x.accumulateGrad(g);
        });
        Tensor z = record("caller", y, () -> clock.advance(3), g -> {
            clock.advance(8);
            y.accumulateGrad(timed("helper", g, 6));
        });
        z.sum().backward();
        p.close();

        assertThat(row(p, EventKind.OP, "outer", Profiler.FORWARD).selfHostNanos()).isEqualTo(10);
        assertThat(row(p, EventKind.BACKWARD, "outer.backward", Profiler.BACKWARD).selfHostNanos()).isEqualTo(50);
        ProfileRow caller = row(p, EventKind.BACKWARD, "caller.backward", Profiler.BACKWARD);
        assertThat(caller.selfHostNanos()).isEqualTo(8);
        assertThat(caller.totalHostNanos()).isEqualTo(14);
        assertThat(row(p, EventKind.OP, "helper", Profiler.BACKWARD).calls()).isEqualTo(1);
        assertThat(p.calls(EventKind.OP, "helper", Profiler.FORWARD)).isZero();
        assertThat(p.microSteps()).isEqualTo(1);
    }

    @Test
    void aBackwardPassInsideAnOpsBackwardIsNotAnotherMicroStep() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Profile p = start();
        for (int step = 0; step < 3; step++) {
            // backward recomputes and backpropagates inside itself, like a checkpointed block
            Tensor y = record("checkpoint", x, () -> { }, g -> {
                Tensor xd = x.detach().requiresGrad(true);
                Tensor recomputed;
                try (Autograd.Scope ignored = Autograd.enableGrad()) {
                    recomputed = timed("recomputed", xd, 1);
                }
                recomputed.backward(g);
                x.accumulateGrad(xd.grad());
            });
            y.sum().backward();
        }
        p.close();
        assertThat(p.microSteps()).isEqualTo(3);
        assertThat(p.calls(EventKind.OP, "recomputed", Profiler.BACKWARD)).isEqualTo(3);
        assertThat(p.calls(EventKind.BACKWARD, "recomputed.backward", Profiler.BACKWARD)).isEqualTo(3);
    }

    @Test
    void aPhaseNamesTheOpsInsideItAndKeepsTheHostTimeBetweenThem() {
        Tensor x = Tensor.ones(2);
        Profile p = start();
        try (Span s = Profiler.phase("optimizer")) {
            clock.advance(9);
            timed("update", x, 40);
        }
        p.close();
        assertThat(row(p, EventKind.OP, "update", "optimizer").selfHostNanos()).isEqualTo(40);
        ProfileRow phase = row(p, EventKind.PHASE, "optimizer", "optimizer");
        assertThat(phase.selfHostNanos()).isEqualTo(9);
        assertThat(phase.totalHostNanos()).isEqualTo(49);
    }

    @Test
    void pausedTimeIsNotRecordedAndTheOutsideRowCountsTheRecordedStretches() {
        Tensor x = Tensor.ones(2);
        Profile p = start();
        timed("a", x, 10);
        p.pause();
        clock.advance(1_000_000);
        timed("a", x, 10);
        p.resume();
        clock.advance(2);
        timed("a", x, 10);
        p.close();
        assertThat(row(p, EventKind.OP, "a", Profiler.FORWARD).calls()).isEqualTo(2);
        assertThat(row(p, EventKind.OUTSIDE, Recorder.OUTSIDE_NAME, Recorder.NO_PHASE).calls()).isEqualTo(2);
        assertThat(p.wallNanos()).isEqualTo(22);
    }

    /** A device whose clock the test sets: each mark reads the current device time. */
    private static final class FakeDeviceClock implements DeviceClock {
        final List<Long> marks = new ArrayList<>();
        long deviceNow;
        int resets;

        @Override
        public long mark() {
            marks.add(deviceNow);
            return marks.size() - 1;
        }

        @Override
        public long nanosBetween(long from, long to) {
            return marks.get((int) to) - marks.get((int) from);
        }

        @Override
        public void reset() {
            marks.clear();
            resets++;
        }
    }

    @Test
    void kernelsGiveTheirDeviceTimeToTheOpThatLaunchedThemAndToEveryOpAroundIt() {
        FakeDeviceClock device = new FakeDeviceClock();
        Tensor x = Tensor.ones(2);
        Runnable launchTwo = () -> {
            for (long kernelNanos : new long[] {300, 500}) {
                try (Span k = Profiler.kernel("gemm", device)) {
                    clock.advance(2);
                    device.deviceNow += kernelNanos;
                }
            }
        };
        Profile p = start();
        record("outer", x, 1, () -> record("inner", x, 1, launchTwo, 0), 0);
        try (Span k = Profiler.kernel("fill", device)) {
            device.deviceNow += 200;
        }
        p.close();

        assertThat(p.deviceTimed()).isTrue();
        assertThat(device.resets).as("the marks were read and given back").isEqualTo(1);
        ProfileRow gemm = row(p, EventKind.KERNEL, "gemm", Profiler.FORWARD);
        assertThat(gemm.calls()).isEqualTo(2);
        assertThat(gemm.selfDeviceNanos()).isEqualTo(800);
        assertThat(gemm.selfHostNanos()).as("the launches' host time").isEqualTo(4);
        ProfileRow inner = row(p, EventKind.OP, "inner", Profiler.FORWARD);
        ProfileRow outer = row(p, EventKind.OP, "outer", Profiler.FORWARD);
        assertThat(inner.selfDeviceNanos()).isEqualTo(800);
        assertThat(inner.selfHostNanos()).as("launching is the op's own host time").isEqualTo(5);
        assertThat(inner.count(Counter.LAUNCHES)).isEqualTo(2);
        assertThat(outer.selfDeviceNanos()).isZero();
        assertThat(outer.totalDeviceNanos()).isEqualTo(800);
        assertThat(row(p, EventKind.KERNEL, "fill", "forward").selfDeviceNanos()).isEqualTo(200);
        assertThat(row(p, EventKind.OUTSIDE, Recorder.OUTSIDE_NAME, Recorder.NO_PHASE).selfDeviceNanos()).isEqualTo(200);
        assertThat(p.deviceNanos()).isEqualTo(1000);
        assertThat(p.total(Counter.LAUNCHES)).isEqualTo(3);
    }

    @Test
    void countersAreChargedToTheInnermostOpAndTheCpuCountsTheBytesItAllocates() {
        Tensor x = Tensor.ones(2, 3);
        Profile p = start();
        record("syncing", x, 1, () -> Profiler.count(Counter.SYNCS, 2), 0);
        x.add(x);
        p.close();
        assertThat(row(p, EventKind.OP, "syncing", Profiler.FORWARD).count(Counter.SYNCS)).isEqualTo(2);
        ProfileRow add = row(p, EventKind.OP, "add", Profiler.FORWARD);
        assertThat(add.count(Counter.ALLOCATIONS)).isEqualTo(1);
        assertThat(add.count(Counter.ALLOCATED_BYTES)).isEqualTo(2 * 3 * 4);
    }

    @Test
    void nothingIsRecordedWhenOffOrOnAnotherThread() throws InterruptedException {
        Tensor x = Tensor.ones(2);
        timed("before", x, 10);
        assertThat(Profiler.isOn()).isFalse();
        Profile p = start();
        assertThat(Profiler.isOn()).isTrue();
        Thread other = new Thread(() -> timed("elsewhere", x, 10));
        other.start();
        other.join();
        p.close();
        assertThat(Profiler.isOn()).isFalse();
        assertThat(p.rows()).extracting(ProfileRow::name).containsExactly(Recorder.OUTSIDE_NAME);
    }

    @Test
    void misuseIsRefusedWithAMessage() {
        Profile p = start();
        assertThatThrownBy(p::rows).hasMessageContaining("pause or close the profile");
        assertThatThrownBy(Profiler::start).hasMessageContaining("already recording");
        Span phase = Profiler.phase("open");
        assertThatThrownBy(p::pause).hasMessageContaining("still open, innermost open");
        phase.close();
        p.close();
        assertThatThrownBy(p::resume).hasMessageContaining("closed");
    }

    @Test
    void theTableIsSortedBySelfTimeAlignedAndEndsWithTheTotals() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Profile p = start();
        Tensor y = timed("small", x, 10);
        timed("large", y, 1_500_000).sum().backward();
        p.close();
        String table = p.table();
        List<String> lines = table.lines().toList();
        assertThat(lines.get(1)).startsWith("Name").contains("Phase", "Self host %", "Self host", "Host total", "Calls");
        int large = indexOf(lines, "large ");
        int small = indexOf(lines, "small ");
        assertThat(large).isPositive().isLessThan(small);
        assertThat(lines.get(large)).contains("1.500ms", "forward");
        int rule = lines.get(0).length();
        assertThat(lines.subList(0, small + 1)).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(rule));
        assertThat(table).contains("Self host time total: 1.500ms", "By phase, per micro-step (1 micro-steps");
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
