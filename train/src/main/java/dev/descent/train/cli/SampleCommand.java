package dev.descent.train.cli;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.GptTokenizer;
import dev.descent.train.loop.Checkpoint;
import dev.descent.train.loop.Sampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sample}: continue a prompt with a trained checkpoint. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a checkpoint.")
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options = TrainOptions.only("model", "out");

    @Option(names = "--checkpoint", description = "Checkpoint directory (default: <out>/checkpoint of the preset).")
    Path checkpoint;

    @Option(names = "--prompt", defaultValue = "", description = "Text to continue (default: start of a document).")
    String prompt;

    @Option(names = "--tokens", defaultValue = "100", description = "Tokens to generate (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Softmax temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "Sample among the k likeliest tokens; 0 for all (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--sample-seed", defaultValue = "42", description = "Seed of the draws (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Override
    public Integer call() throws IOException {
        if (tokens < 0) {
            throw new IllegalArgumentException("--tokens " + tokens + ": the number of tokens to generate must be 0 or more");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k " + topK + ": must be 0 (every token) or a number of tokens");
        }
        TrainConfig config = options.resolve();
        Path dir = checkpoint != null ? checkpoint : config.run().out().resolve("checkpoint");
        GPT model = new GPT(config.model().gpt(), new Rng(config.run().seed()));
        Checkpoint.Loaded loaded = Checkpoint.loadWeights(dir, model);
        if (loaded.skipped() != null) {
            System.err.println("descent: " + dir + " is unloadable (" + loaded.skipped() + "); sampling from "
                    + loaded.from());
        }
        GptTokenizer tokenizer = new GptTokenizer();
        int[] promptIds = prompt.isEmpty() ? new int[] {GptTokenizer.documentStart(config.model().vocab())}
                : tokenizer.encode(prompt);
        int[] out = Sampler.generate(model, promptIds, tokens, temperature, topK, new Rng(sampleSeed));
        int skip = prompt.isEmpty() ? 1 : 0;
        System.out.println(tokenizer.decode(Arrays.copyOfRange(out, skip, out.length)));
        return 0;
    }
}
