package dev.descent.nn.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.profile.Counter;
import dev.descent.core.profile.EventKind;
import dev.descent.core.profile.Profile;
import dev.descent.core.profile.ProfileRow;
import dev.descent.core.profile.Profiler;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Block;
import dev.descent.nn.layers.CausalSelfAttention;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.MLP;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The profiler on a tiny GPT's training micro-step (loss and backward) on the CPU: each op runs as often as the
 * model's layers say, in forward and in backward; the self times add up to the measured wall time, checkpointed
 * blocks included (their recomputation is counted in backward, once).
 */
class GPTProfileTest {
    private static final int B = 2;
    private static final int T = 8;
    private static final GPTConfig TINY = new GPTConfig(37, T, 3, 2, 8, 0f, false);

    private static Tensor tokens(Rng rng) {
        float[] ids = new float[B * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(TINY.vocabSize());
        }
        return Tensor.fromArray(ids, B, T);
    }

    private static Profile profileOneMicroStep(GPT gpt) {
        Rng rng = new Rng(7);
        Tensor idx = tokens(rng);
        Tensor targets = tokens(rng);
        Profile p = Profiler.start();
        try (p) {
            gpt.loss(idx, targets).backward();
        }
        return p;
    }

    private static long count(GPT gpt, Class<? extends Module> layer) {
        return gpt.modules().stream().filter(layer::isInstance).count();
    }

    private static long forward(Profile p, String op, String phase) {
        return p.calls(EventKind.OP, op, phase);
    }

    private static long backward(Profile p, String op) {
        return p.calls(EventKind.BACKWARD, op + ".backward", Profiler.BACKWARD);
    }

    @Test
    void everyLayerRunsItsOpOnceForwardAndOnceBackward() {
        GPT gpt = new GPT(TINY, new Rng(1));
        Profile p = profileOneMicroStep(gpt);

        long linears = count(gpt, Linear.class);
        long mlps = count(gpt, MLP.class);
        assertThat(linears).as("qkv, attention projection, MLP fc and projection per block").isEqualTo(4 * 3);
        assertThat(forward(p, "linear", Profiler.FORWARD)).as("the Linears outside the fused MLPs")
                .isEqualTo(linears - 2 * mlps);
        assertThat(backward(p, "linear")).isEqualTo(linears - 2 * mlps);
        assertThat(forward(p, "geluMlp", Profiler.FORWARD)).isEqualTo(mlps);
        assertThat(backward(p, "geluMlp")).isEqualTo(mlps);
        assertThat(forward(p, "gelu(tanh)", Profiler.FORWARD)).as("inside the fused MLP").isZero();
        assertThat(forward(p, "layerNorm", Profiler.FORWARD)).isEqualTo(count(gpt, LayerNorm.class));
        assertThat(backward(p, "layerNorm")).isEqualTo(count(gpt, LayerNorm.class));
        assertThat(forward(p, "residualLayerNorm", Profiler.FORWARD)).as("x + attn and ln2, one kernel per block")
                .isEqualTo(count(gpt, Block.class));
        assertThat(forward(p, "causalAttention", Profiler.FORWARD)).isEqualTo(count(gpt, CausalSelfAttention.class));
        assertThat(backward(p, "causalAttention")).isEqualTo(count(gpt, CausalSelfAttention.class));
        assertThat(forward(p, "embedding", Profiler.FORWARD)).isEqualTo(count(gpt, Embedding.class));
        // the tied head and the loss: one fused op, one (B·T, V) logits buffer
        assertThat(forward(p, "linearCrossEntropy", Profiler.FORWARD)).isEqualTo(1);
        assertThat(backward(p, "linearCrossEntropy")).isEqualTo(1);
        ProfileRow head = p.row(EventKind.OP, "linearCrossEntropy", Profiler.FORWARD).orElseThrow();
        assertThat(head.count(Counter.ALLOCATED_BYTES)).isGreaterThanOrEqualTo(4L * B * T * TINY.vocabSize());
        assertThat(p.microSteps()).isEqualTo(1);
        assertThat(forward(p, "linear", Profiler.BACKWARD)).as("no forward op re-runs in backward").isZero();
        selfTimesAddUpToTheWallTime(p);
    }

    /**
     * A micro-step, forward and backward, reads nothing back from the backend: no op waits for a device (the CPU
     * backend counts each read of tensor data as the sync it would be on a GPU). The loss is read once, after it.
     */
    @Test
    void aMicroStepReadsNothingBackAndTheLossIsReadOnceAfterIt() {
        GPT gpt = new GPT(TINY, new Rng(1));
        Rng rng = new Rng(7);
        Tensor idx = tokens(rng);
        Tensor targets = tokens(rng);
        Profile step = Profiler.start();
        Tensor loss;
        try (step) {
            loss = gpt.loss(idx, targets);
            loss.backward();
        }
        assertThat(step.total(Counter.SYNCS)).as("reads of tensor data in forward and backward").isZero();
        Profile read = Profiler.start();
        try (read) {
            assertThat(loss.item()).isFinite();
        }
        assertThat(read.total(Counter.SYNCS)).as("the trainer's one read of the loss").isEqualTo(1);
    }

    @Test
    void aCheckpointedBlockIsRecomputedInBackwardAndCountedOnce() {
        GPT gpt = new GPT(TINY.withGradientCheckpointing(true), new Rng(1));
        Profile p = profileOneMicroStep(gpt);

        long linears = count(gpt, Linear.class) - 2 * count(gpt, MLP.class);
        long blocks = TINY.layers();
        assertThat(forward(p, "gradientCheckpoint", Profiler.FORWARD)).isEqualTo(blocks);
        assertThat(backward(p, "gradientCheckpoint")).isEqualTo(blocks);
        assertThat(forward(p, "linear", Profiler.FORWARD)).as("inside the checkpointed forward").isEqualTo(linears);
        assertThat(forward(p, "linear", Profiler.BACKWARD)).as("recomputed in backward").isEqualTo(linears);
        assertThat(backward(p, "linear")).isEqualTo(linears);
        assertThat(forward(p, "geluMlp", Profiler.BACKWARD)).as("recomputed in backward").isEqualTo(blocks);
        assertThat(p.microSteps()).as("the blocks' inner backward passes are not micro-steps").isEqualTo(1);

        ProfileRow checkpoint = p.row(EventKind.BACKWARD, "gradientCheckpoint.backward", Profiler.BACKWARD)
                .orElseThrow();
        long nestedInBackward = p.rows().stream()
                .filter(r -> r.phase().equals(Profiler.BACKWARD) && r != checkpoint && r.kind() != EventKind.KERNEL)
                .mapToLong(ProfileRow::selfHostNanos).sum();
        assertThat(checkpoint.totalHostNanos()).as("recomputation and inner backward are inside its total")
                .isLessThanOrEqualTo(checkpoint.selfHostNanos() + nestedInBackward)
                .isGreaterThan(checkpoint.selfHostNanos());
        selfTimesAddUpToTheWallTime(p);
    }

    private static void selfTimesAddUpToTheWallTime(Profile p) {
        long self = p.rows().stream().mapToLong(ProfileRow::selfHostNanos).sum();
        assertThat(self).as("self times count every nanosecond once").isEqualTo(p.wallNanos());
        assertThat(p.rows()).allSatisfy(r -> assertThat(r.selfHostNanos()).isBetween(0L, r.totalHostNanos()));
        double shares = opSection(p.table()).stream()
                .mapToDouble(line -> Double.parseDouble(line.split(" {2,}")[2].replace("%", ""))).sum();
        assertThat(shares).as("the Self host %% column of the table").isCloseTo(100, within(0.2));
    }

    /** The lines of the table's first section: between its third and fourth dashed rule. */
    private static List<String> opSection(String table) {
        List<String> lines = table.lines().toList();
        List<Integer> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("---")) {
                rules.add(i);
            }
        }
        return lines.subList(rules.get(1) + 1, rules.get(2));
    }
}
