package dev.descent.nn.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.hf.MiniSafeTensors.Raw;
import dev.descent.nn.state.StateDict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * descent's GPT, run on imported Hugging Face weights, against {@link Gpt2Reference}: float64 loops written from the
 * GPT-2 paper's equations that read the weights straight from the Hugging Face file. Logits must agree to 1e-5 of
 * their largest magnitude and the loss to 1e-6 nats.
 */
class Gpt2ReferenceTest {
    /** GPT-2's real vocabulary (50257, not padded), 2 blocks of width 32 with 4 heads, 32 positions. */
    private static final TinyHfGpt2 SMALL = new TinyHfGpt2(50257, 32, 2, 4, 32);
    /** "Hello, I'm a language model, not a" in GPT-2's BPE: the real model's check, when its folder is given. */
    private static final int[] HELLO = {15496, 11, 314, 1101, 257, 3303, 2746, 11, 407, 257};

    @TempDir
    Path dir;

    @Test
    void descentMatchesTheFloat64ReferenceOnImportedWeights() throws IOException {
        Path folder = dir.resolve("hf");
        SMALL.write(folder, SMALL.weights(11), "transformer.", true, true);
        Rng rng = new Rng(12);
        int[] tokens = new int[SMALL.positions() + 1];
        Arrays.setAll(tokens, i -> rng.nextInt(SMALL.vocab()));
        double[] errors = compare(folder, tokens);
        assertThat(errors[0]).as("max |logit error| / max |logit|").isLessThan(1e-5);
        assertThat(errors[1]).as("|loss error|").isLessThan(1e-6);
    }

    /**
     * The same check on OpenAI's GPT-2 when {@code -Ddescent.gpt2=DIR} names a downloaded Hugging Face folder (the
     * README says how to get one); skipped otherwise, as no weights ship with descent.
     */
    @Test
    void descentMatchesTheFloat64ReferenceOnRealGpt2WhenGiven() throws IOException {
        String folder = System.getProperty("descent.gpt2");
        assumeTrue(folder != null, "no -Ddescent.gpt2=DIR given");
        double[] errors = compare(Path.of(folder), HELLO);
        assertThat(errors[0]).as("max |logit error| / max |logit|").isLessThan(1e-5);
        assertThat(errors[1]).as("|loss error|").isLessThan(1e-6);
    }

    /**
     * Imports {@code folder}, runs descent on tokens[0..n−1] with targets tokens[1..n] and returns the largest logit
     * error relative to the largest reference logit, and the loss error.
     */
    private double[] compare(Path folder, int[] tokens) throws IOException {
        Path file = dir.resolve("model.safetensors");
        GPTConfig config = HfGpt2.importFolder(folder, file);
        GPT gpt = new GPT(config, new Rng(0));
        StateDict.load(gpt, file);
        gpt.eval();
        int t = tokens.length - 1;
        float[] input = new float[t];
        float[] target = new float[t];
        int[] inputIds = Arrays.copyOf(tokens, t);
        int[] targetIds = Arrays.copyOfRange(tokens, 1, t + 1);
        for (int i = 0; i < t; i++) {
            input[i] = inputIds[i];
            target[i] = targetIds[i];
        }
        float[] logits;
        double loss;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            Tensor idx = Tensor.fromArray(input, 1, t);
            logits = gpt.forward(idx).toArray();
            loss = gpt.loss(idx, Tensor.fromArray(target, 1, t)).item();
        }
        Gpt2Reference reference = new Gpt2Reference(hfWeights(folder.resolve("model.safetensors")), config.layers(),
                config.heads(), config.width());
        double[][] expected = reference.logits(inputIds);
        double maxError = 0;
        double maxLogit = 0;
        int v = config.vocabSize();
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < v; j++) {
                maxError = Math.max(maxError, Math.abs(logits[i * v + j] - expected[i][j]));
                maxLogit = Math.max(maxLogit, Math.abs(expected[i][j]));
            }
        }
        return new double[] {maxError / maxLogit, Math.abs(loss - reference.loss(inputIds, targetIds))};
    }

    /** The F32 tensors of a Hugging Face file by name, the {@code transformer.} prefix removed. */
    private static Map<String, float[]> hfWeights(Path file) throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Raw> e : MiniSafeTensors.read(file).entrySet()) {
            if (e.getValue().dtype().equals("F32")) {
                weights.put(e.getKey().replaceFirst("^transformer\\.", ""), e.getValue().floats());
            }
        }
        return weights;
    }
}
