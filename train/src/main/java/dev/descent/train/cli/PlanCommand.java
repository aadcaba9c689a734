package dev.descent.train.cli;

import dev.descent.core.Backends;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.driver.DeviceInfo;
import dev.descent.cuda.memory.ByteSize;
import dev.descent.nn.gpt.GPT;
import dev.descent.train.TrainConfig;
import dev.descent.train.plan.Card;
import dev.descent.train.plan.CpuCalibration;
import dev.descent.train.plan.Measurement;
import dev.descent.train.plan.TimePlan;
import dev.descent.train.plan.VramPlan;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code plan}: the byte breakdown of a training configuration and whether it fits a card, and how long its steps
 * and the whole run take there, with where each figure comes from.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Print the device memory and the time of training a preset on a card or on this CPU, before "
                + "anything is allocated.")
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options = TrainOptions.only("model", "batch", "steps", "evalEvery", "evalBatches", "device");

    @Option(names = "--card", description = "The card to plan for: 1070ti, h100, h100-pcie, h200, a100, 3090 or 4090; "
            + "or a memory size such as 8g (memory only). Default: the GPU here, else the 1070 Ti; with --device cpu "
            + "and no --card, this CPU (calibrated in about a second).")
    String card;

    /**
     * The JVM heap a run on the CPU needs per byte of its plan: the tensors are Java arrays, most of them "humongous"
     * to the G1 collector (at least half a heap region), which it does not move, so free heap splits into gaps too
     * small for the next large array. Measured on this project's 2-core machine, JDK 17, 2026-12-06 (2 training steps
     * each, docs/PERFORMANCE.md), with the CPU backend's array pool and kernels that keep their buffers: GPT-2 124M
     * at 1 × 256 (planned 2226.5 MiB) ran out of a 2560 MiB heap (1.15 × the plan) and trained in 2688 MiB (1.21 ×);
     * tiny-cpu (102.5 MiB) ran out of 125 MiB (1.22 ×) and trained in 130 MiB (1.27 ×). Before the pool GPT-2 needed
     * 3.25 GiB (1.49 ×), and the factor was 1.6.
     */
    static final double HEAP_PER_PLANNED_BYTE = 1.4;

    /**
     * What the plan is made for: the memory the plan must fit, what holds it, a line describing the device, the
     * training rates there and a closing note.
     */
    private record Target(long memoryBytes, String holder, String description, List<TimePlan.Rate> rates,
                          String note) {
        Target(long memoryBytes, String description, List<TimePlan.Rate> rates, String note) {
            this(memoryBytes, String.format(Locale.ROOT, "a %.1f GiB card", memoryBytes / 1073741824.0), description,
                    rates, note);
        }

        static Target of(Card card, String how) {
            String note = card.equals(Measurement.DESCENT.card()) ? "" : "No " + card.name() + " has been measured: "
                    + "these assume it reaches the MFU measured on the " + Measurement.DESCENT.card().name() + ".";
            return new Target(card.memoryBytes(), card.describe() + how + " (" + card.source() + ")",
                    TimePlan.rates(card), note);
        }
    }

    @Override
    public Integer call() {
        TrainConfig c = options.resolve();
        Target target = target(c);
        TrainConfig.Model m = c.model();
        TrainConfig.Batch b = c.batch();
        System.out.printf(Locale.ROOT, "%s: %d layers, %d heads, width %d, context %d, vocab %d, micro-batch %d x %d%n",
                c.preset(), m.layers(), m.heads(), m.width(), m.context(), m.vocab(), b.microBatch(), b.seqLen());
        System.out.printf(Locale.ROOT, "parameters: %,d%n", GPT.parameterCount(m.gpt()));
        for (VramPlan.Layout layout : VramPlan.Layout.values()) {
            System.out.print(VramPlan.of(m.gpt(), b.microBatch(), b.seqLen(), layout).render(target.memoryBytes(),
                    target.holder()));
        }
        System.out.print("FITTED is what descent's training step allocates (fused attention and classifier, backward "
                + "freeing each gradient once used); `train` prints the measured peak beside it.");
        VramPlan fitted = VramPlan.of(m.gpt(), b.microBatch(), b.seqLen(), VramPlan.Layout.FITTED);
        if (onThisCpu(c)) {
            long heapMib = (long) Math.ceil(fitted.totalBytes() * HEAP_PER_PLANNED_BYTE / 1048576.0);
            System.out.printf(Locale.ROOT, " On the CPU the tensors live in the JVM's heap, which needs %.1f times the "
                    + "plan: JAVA_TOOL_OPTIONS=-Xmx%dm or more (%.2f GiB).%n%n", HEAP_PER_PLANNED_BYTE, heapMib,
                    heapMib / 1024.0);
        } else {
            long device = fitted.deviceBytes();
            System.out.printf(Locale.ROOT, " On a GPU add at most the caching allocator's rounding (each block up to its "
                    + "size class, 1/8 more) and, with the default hand-written matmul kernels (v1 to v6), a transposed "
                    + "copy of the B·T·V dlogits in the classifier's backward (DESCENT_MATMUL=v7 and cublas read it in "
                    + "place): %.2f GiB, which %s.%n%n", device / 1073741824.0,
                    device <= target.memoryBytes() ? "fits" : "does NOT fit");
        }
        if (target.rates().isEmpty()) {
            System.out.println("time: not estimated: " + target.note());
            return 0;
        }
        TimePlan time = TimePlan.of(m.gpt(), b.microBatch(), b.seqLen(), b.totalBatchTokens(), c.optimization().steps(),
                c.run().evalEvery(), c.run().evalBatches());
        System.out.print(time.render(target.description(), target.rates(), target.note()));
        return 0;
    }

    /** The named card, a bare memory size, this CPU (--device cpu), the GPU here, or the 1070 Ti. */
    private Target target(TrainConfig c) {
        if (card != null) {
            return Card.named(card).map(k -> Target.of(k, "")).orElseGet(() -> memoryOnly(card));
        }
        if (onThisCpu(c)) {
            TrainConfig.Batch b = c.batch();
            CpuCalibration calibration = CpuCalibration.measure(Backends.cpu(), c.model().gpt(), b.seqLen(),
                    b.microBatch() * b.seqLen());
            long heap = Runtime.getRuntime().maxMemory();
            String holder = String.format(Locale.ROOT, "%.2f GiB, the JVM's heap of %.1f GiB / %.1f (the garbage collector "
                    + "needs the rest; JAVA_TOOL_OPTIONS=-Xmx sets the heap)", heap / HEAP_PER_PLANNED_BYTE / 1073741824.0,
                    heap / 1073741824.0, HEAP_PER_PLANNED_BYTE);
            return new Target((long) (heap / HEAP_PER_PLANNED_BYTE), holder, String.format(Locale.ROOT,
                    "this CPU (%d cores): %s", Runtime.getRuntime().availableProcessors(), calibration.describe()),
                    List.of(TimePlan.cpuRate(calibration)), "");
        }
        Card fallback = Card.named("1070ti").orElseThrow();
        DeviceInfo gpu;
        try {
            gpu = DeviceInfo.query(0);
        } catch (CudaUnavailableException e) {
            Target t = Target.of(fallback, "");
            return new Target(t.memoryBytes(), t.description(), t.rates(), "No usable GPU here: planned for the "
                    + fallback.name() + " the presets are made for (--card names another). " + t.note());
        }
        return Card.forDevice(gpu.name()).map(k -> Target.of(k, ", the GPU here")).orElseGet(() -> new Target(
                gpu.totalMemory(), gpu.name(), List.of(), "the GPU here, " + gpu.name() + ", is not in the card table, "
                + "so its peak is unknown; --card names the nearest (" + Card.keys() + ")"));
    }

    /** Whether the plan is for this CPU: {@code --device cpu} and no card named. */
    private boolean onThisCpu(TrainConfig c) {
        return card == null && c.run().device().equals("cpu");
    }

    private static Target memoryOnly(String size) {
        String neither = "--card " + size + ": neither a card (" + Card.keys() + ") nor a memory size such as 8g";
        long bytes;
        try {
            bytes = ByteSize.parse(size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(neither);
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("--card " + size + ": a card's memory must be positive, e.g. --card 8g");
        }
        if (bytes < 1 << 20) {
            throw new IllegalArgumentException(neither + " (" + bytes + " bytes is no card's memory)");
        }
        return new Target(bytes, ByteSize.format(bytes), List.of(), "a bare memory size has no peak; name a card "
                + "(--card " + Card.keys() + ") or plan for this CPU (--device cpu)");
    }
}
