package dev.descent.train.cli;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Tokenizer;
import dev.descent.train.data.Tokenizers;
import dev.descent.train.loop.Checkpoint;
import dev.descent.train.loop.ModelCheckpoint;
import dev.descent.train.loop.Sampler;
import dev.descent.train.loop.SamplingSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sample}: continue a prompt with a checkpoint's model (trained, or imported with {@code import-hf}), printing
 * tokens as they come and the speed at the end.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate text from a checkpoint (trained, or imported with import-hf); the model's shape is "
                + "read from the checkpoint (the model options, when given, must agree with it; a checkpoint that "
                + "does not record its shape is read with them).")
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options = TrainOptions.only("model", "out");

    @Option(names = "--checkpoint", description = "Checkpoint directory (default: <out>/checkpoint of the preset).")
    Path checkpoint;

    @Option(names = "--prompt", defaultValue = "", description = "Text to continue (default: start of a document).")
    String prompt;

    @Option(names = "--tokens", defaultValue = "100", description = "Tokens to generate (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8",
            description = "Softmax temperature; 0 always takes the likeliest token (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "Sample among the k likeliest tokens; 0 for all (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus: sample among the likeliest tokens whose "
            + "probabilities add up to p, in (0, 1]; 1 for all (default ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--sample-seed", defaultValue = "42", description = "Seed of the draws (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(names = "--no-cache", description = "Re-run the whole window for every token instead of using the KV "
            + "cache (slow; to compare).")
    boolean noCache;

    @Override
    public Integer call() throws IOException {
        if (tokens < 1) {
            throw new IllegalArgumentException("--tokens " + tokens + ": the number of tokens to generate must be 1 or "
                    + "more");
        }
        SamplingSettings settings = new SamplingSettings(temperature, topK, topP);
        TrainConfig config = options.resolve();
        Path dir = checkpoint != null ? checkpoint : config.run().out().resolve("checkpoint");
        Checkpoint.Loaded<GPT> loaded = ModelCheckpoint.load(dir, recorded -> shape(recorded, config));
        if (loaded.skipped() != null) {
            System.err.println("descent: " + dir + " is unloadable (" + loaded.skipped() + "); sampling from "
                    + loaded.from());
        }
        GPT model = loaded.value();
        // the tokenizer recorded beside the weights (a trained run's: its dataset's), or GPT-2's (an imported GPT-2)
        Tokenizer tokenizer = Tokenizers.recordedIn(loaded.from());
        int[] promptIds = prompt.isEmpty() ? new int[] {tokenizer.documentStart(model.config().vocabSize())}
                : tokenizer.encode(prompt);
        int context = model.config().contextLength();
        if (promptIds.length > context) {
            System.err.printf(Locale.ROOT, "the prompt is %d tokens, longer than the context of %d: the model sees "
                    + "its last %d%n", promptIds.length, context, context);
        }
        System.out.print(prompt);
        TokenPrinter printer = new TokenPrinter(tokenizer, System.out);
        Sampler.Mode mode = noCache ? Sampler.Mode.FULL_FORWARD : Sampler.Mode.KV_CACHE;
        long start = System.nanoTime();
        long[] firstToken = new long[1];
        Sampler.generate(model, promptIds, tokens, settings, mode, new Rng(sampleSeed), token -> {
            if (firstToken[0] == 0) {
                firstToken[0] = System.nanoTime();
            }
            printer.accept(token);
        });
        long end = System.nanoTime();
        printer.finish();
        report(System.err, mode, promptIds.length, start, firstToken[0], end);
        return 0;
    }

    /**
     * The shape to build: the one the checkpoint records, which every model option given must agree with; where it
     * records none, the options' (and the preset's).
     */
    private GPTConfig shape(GPTConfig recorded, TrainConfig config) {
        if (recorded == null) {
            return config.model().gpt();
        }
        options.requireShape(config, recorded, "the checkpoint's", "sample reads the model's shape from the checkpoint");
        return recorded;
    }

    /** One line: the time to the first token (the prompt's pass) and the speed of the tokens after it. */
    private void report(PrintStream err, Sampler.Mode mode, int promptTokens, long start, long first, long end) {
        double firstSeconds = (first - start) / 1e9;
        String rest = tokens == 1 ? "" : String.format(Locale.ROOT, "; %d more in %.2f s: %.1f tokens/s", tokens - 1,
                (end - first) / 1e9, (tokens - 1) / ((end - first) / 1e9));
        err.printf(Locale.ROOT, "%d tokens (%s, prompt %d tokens): first after %.2f s%s%n", tokens,
                mode == Sampler.Mode.KV_CACHE ? "KV cache" : "no cache", promptTokens, firstSeconds, rest);
    }
}
