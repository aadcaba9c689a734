package dev.descent.train.bench;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.ModelCheckpoint;
import dev.descent.train.loop.Sampler;
import dev.descent.train.loop.SamplingSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Sampling speed with the KV cache against a full forward pass per token, on the CPU, measured in one run with
 * the two interleaved: {@code --rounds} rounds, each generating {@code --tokens} tokens after a prompt of
 * {@code --prompt} tokens both ways (same seed, so the same tokens). The model is {@code --checkpoint DIR} (e.g. GPT-2
 * imported with import-hf) or, without one, a GPT-2 124M of random weights: the cost per token does not depend on
 * the values. Prints each round and the best and median tokens/s of each mode.
 */
public final class SamplingBenchmark {
    private SamplingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = 3;
        int promptLength = 16;
        int tokens = 48;
        Path checkpoint = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--prompt" -> promptLength = Integer.parseInt(args[i + 1]);
                case "--tokens" -> tokens = Integer.parseInt(args[i + 1]);
                case "--checkpoint" -> checkpoint = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --rounds N --prompt N --tokens N --checkpoint DIR");
            }
        }
        GPT model = checkpoint != null ? ModelCheckpoint.load(checkpoint).value()
                : new GPT(GPTConfig.gpt2Small(), new Rng(1));
        System.out.printf(Locale.ROOT, "model: %s (%,d parameters), prompt %d tokens, %d new tokens, %d rounds%n",
                checkpoint != null ? checkpoint : "GPT-2 124M, random weights", model.parameterCount(), promptLength,
                tokens, rounds);
        Rng promptRng = new Rng(2);
        int[] prompt = new int[promptLength];
        Arrays.setAll(prompt, i -> promptRng.nextInt(model.config().vocabSize()));
        SamplingSettings settings = new SamplingSettings(0.8, 40, 1);
        Sampler.generate(model, prompt, 4, settings, Sampler.Mode.KV_CACHE, new Rng(3), t -> { });
        double[][] rates = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (Sampler.Mode mode : Sampler.Mode.values()) {
                long start = System.nanoTime();
                Sampler.generate(model, prompt, tokens, settings, mode, new Rng(4), t -> { });
                double rate = tokens / ((System.nanoTime() - start) / 1e9);
                rates[mode.ordinal()][r] = rate;
                System.out.printf(Locale.ROOT, "round %d  %-12s %6.2f tokens/s%n", r + 1, mode, rate);
            }
        }
        for (Sampler.Mode mode : Sampler.Mode.values()) {
            double[] sorted = rates[mode.ordinal()].clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%-12s best %6.2f  median %6.2f tokens/s%n", mode, sorted[rounds - 1],
                    sorted[rounds / 2]);
        }
    }
}
