package dev.descent.train.plan;

import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long a training run takes, before anything runs: its FLOPs ({@link Flops} per token, forward and backward,
 * times the tokens of every step, plus the forward-only validation passes at a third of that per token) over the
 * rate a device sustains, which is its peak times an efficiency someone measured (MFU on a GPU,
 * {@link CpuCalibration#EFFICIENCY} of a calibration on the CPU):
 * <pre>
 *   seconds per step = tokens per step × FLOPs per token / (peak × MFU)
 * </pre>
 */
public final class TimePlan {
    /**
     * A rate training sustains: {@code peakFlops × efficiency} FLOP/s.
     *
     * @param label      whose training ("descent, default matmul")
     * @param peakFlops  the device's peak (a card's fp32 peak, or the CPU's calibrated matmul rate)
     * @param efficiency the share of it training reaches
     * @param source     where the efficiency comes from
     */
    public record Rate(String label, double peakFlops, double efficiency, String source) {
        public double flops() {
            return peakFlops * efficiency;
        }
    }

    private final GPTConfig model;
    private final int seqLen;
    private final long tokensPerStep;
    private final int steps;
    private final int validationPasses;
    private final long validationTokens;

    private TimePlan(GPTConfig model, int seqLen, long tokensPerStep, int steps, int validationPasses,
                     long validationTokens) {
        this.model = model;
        this.seqLen = seqLen;
        this.tokensPerStep = tokensPerStep;
        this.steps = steps;
        this.validationPasses = validationPasses;
        this.validationTokens = validationTokens;
    }

    /**
     * The work of training {@code model} for {@code steps} steps of {@code tokensPerStep} tokens in micro-batches of
     * {@code microBatch} × {@code seqLen}, with a validation pass of {@code evalBatches} micro-batches every
     * {@code evalEvery} steps (0: none) and at the end, as {@code train} runs them.
     */
    public static TimePlan of(GPTConfig model, int microBatch, int seqLen, long tokensPerStep, int steps,
                              int evalEvery, int evalBatches) {
        int passes = (evalEvery > 0 ? (steps + evalEvery - 1) / evalEvery : 0) + 1;
        return new TimePlan(model, seqLen, tokensPerStep, steps, passes,
                (long) passes * evalBatches * microBatch * seqLen);
    }

    /** The rates of training on {@code card}: descent's and PyTorch's measured MFU, applied to its peak. */
    public static List<Rate> rates(Card card) {
        List<Rate> rates = new ArrayList<>();
        for (Measurement m : Measurement.GPU) {
            rates.add(new Rate(m.label(), card.peakFlops(), m.mfu(), m.describe()));
        }
        return rates;
    }

    /** The rate of training on this CPU: its calibrated matmul rate times the measured share a step reaches. */
    public static Rate cpuRate(CpuCalibration calibration) {
        return new Rate("descent on this CPU", calibration.rate(), CpuCalibration.EFFICIENCY,
                CpuCalibration.EFFICIENCY_SOURCE);
    }

    public double flopsPerToken() {
        return Flops.perToken(model, seqLen);
    }

    /** FLOPs of one optimizer step. */
    public double stepFlops() {
        return tokensPerStep * flopsPerToken();
    }

    /** FLOPs of the whole run: every step, and the validation passes at a third of a training token's FLOPs. */
    public double runFlops() {
        return steps * stepFlops() + validationTokens * flopsPerToken() / 3;
    }

    public double stepSeconds(Rate rate) {
        return stepFlops() / rate.flops();
    }

    public double runSeconds(Rate rate) {
        return runFlops() / rate.flops();
    }

    /**
     * The estimate as text: the device, the FLOPs per token with the formula's numbers, a step and the run, a line
     * per rate (MFU, seconds per step, the whole run in days), where each efficiency comes from, and {@code note}.
     */
    public String render(String device, List<Rate> rates, String note) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "time on %s%n", device));
        sb.append(String.format(Locale.ROOT, "  FLOPs per token (forward and backward): 6N + 6·L·C·T = 6 x %,d + 6 x %d "
                + "x %d x %d = %.1f MFLOP%n", GPT.parameterCount(model), model.layers(), model.width(), seqLen,
                flopsPerToken() / 1e6));
        sb.append(String.format(Locale.ROOT, "  a step: %,d tokens = %.4g TFLOP; the run: %,d steps and %d validation "
                + "pass%s = %.4g PFLOP%n", tokensPerStep, stepFlops() / 1e12, steps, validationPasses,
                validationPasses == 1 ? "" : "es", runFlops() / 1e15));
        sb.append(String.format(Locale.ROOT, "  %-26s %10s %18s   %s%n", "training", "efficiency", "seconds per step",
                "the whole run"));
        for (Rate r : rates) {
            double step = stepSeconds(r);
            sb.append(String.format(Locale.ROOT, "  %-26s %9.1f%% %18s   %s%n", r.label(), 100 * r.efficiency(),
                    String.format(Locale.ROOT, step < 10 ? "%.3f" : step < 1000 ? "%.1f" : "%,.0f", step),
                    duration(runSeconds(r))));
        }
        for (Rate r : rates) {
            sb.append(String.format(Locale.ROOT, "  %s%n", r.source()));
        }
        if (!note.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "  %s%n", note));
        }
        return sb.toString();
    }

    /** "160.2 days (22.9 weeks)", "0.04 days (57 min)". */
    static String duration(double seconds) {
        double days = seconds / 86400;
        String readable = days >= 14 ? String.format(Locale.ROOT, "%.1f weeks", days / 7)
                : days >= 2 ? null
                : seconds >= 5400 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600)
                : seconds >= 90 ? String.format(Locale.ROOT, "%.0f min", seconds / 60)
                : String.format(Locale.ROOT, "%.0f s", seconds);
        String d = days >= 10 ? String.format(Locale.ROOT, "%.1f days", days)
                : String.format(Locale.ROOT, "%.3g days", days);
        return readable == null ? d : d + " (" + readable + ")";
    }
}
