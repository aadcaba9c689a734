package dev.descent.train.cli;

import dev.descent.cuda.memory.ByteSize;
import dev.descent.nn.gpt.GPT;
import dev.descent.train.TrainConfig;
import dev.descent.train.plan.VramPlan;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plan}: the byte breakdown of a training configuration, and whether it fits a card. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Print the device-memory breakdown of training a preset, before anything is allocated.")
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options = TrainOptions.only("model", "batch");

    @Option(names = "--card", defaultValue = "8g", description = "Card memory to check against (default ${DEFAULT-VALUE}).")
    String card;

    @Override
    public Integer call() {
        TrainConfig c = options.resolve();
        long cardBytes = ByteSize.parse(card);
        if (cardBytes <= 0) {
            throw new IllegalArgumentException("--card " + card + ": a card's memory must be positive, e.g. --card 8g");
        }
        TrainConfig.Model m = c.model();
        System.out.printf(Locale.ROOT, "%s: %d layers, %d heads, width %d, context %d, vocab %d, micro-batch %d x %d%n",
                c.preset(), m.layers(), m.heads(), m.width(), m.context(), m.vocab(), c.batch().microBatch(),
                c.batch().seqLen());
        System.out.printf(Locale.ROOT, "parameters: %,d%n", GPT.parameterCount(m.gpt()));
        for (VramPlan.Layout layout : VramPlan.Layout.values()) {
            System.out.print(VramPlan.of(m.gpt(), c.batch().microBatch(), c.batch().seqLen(), layout).render(cardBytes));
        }
        System.out.println("FITTED is what descent's training step allocates (fused attention and classifier, backward "
                + "freeing each gradient once used); `train` prints the measured peak beside it. On a GPU the caching "
                + "allocator rounds each block up to its size class (at most 1/8 more), and the hand-written matmul "
                + "kernels v1 to v6 (v6 is the default) copy a transposed operand first: at the classifier's backward "
                + "that is one B·T·V scratch more for a moment; DESCENT_MATMUL=v7 and cublas read it in place.");
        return 0;
    }
}
