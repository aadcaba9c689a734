package dev.descent.train.cli;

import dev.descent.core.Rng;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Corpora;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.GptTokenizer;
import dev.descent.train.data.UnigramBaseline;
import dev.descent.train.loop.RunReport;
import dev.descent.train.loop.Sampler;
import dev.descent.train.loop.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the main job. Prepares the embedded data if needed, trains, reports and prints a sample. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a GPT (default: tiny-cpu on Moby-Dick).")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--resume", description = "Continue exactly from a checkpoint directory (e.g. runs/tiny-cpu/checkpoint).")
    Path resume;

    @Option(names = "--sample-tokens", defaultValue = "60", description = "Tokens to sample at the end (default ${DEFAULT-VALUE}).")
    int sampleTokens;

    @Override
    public Integer call() throws IOException {
        TrainConfig config = options.resolve();
        prepareEmbeddedDataIfMissing(config.data());
        Device device = Device.open(config);
        Trainer trainer = new Trainer(config, device.backend(), device.name(), System.out);
        if (resume != null) {
            trainer.resume(resume);
        }
        trainer.run(Integer.MAX_VALUE);
        Dataset dataset = Dataset.open(config.data());
        double baseline = UnigramBaseline.crossEntropy(dataset.trainingShards(), dataset.validationShard(),
                GptTokenizer.VOCAB_SIZE);
        double validation = trainer.validationLoss();
        System.out.printf(Locale.ROOT, "%nvalidation loss %.4f nats; a unigram model (token frequencies, no context) "
                + "gets %.4f%n", validation, baseline);
        GptTokenizer tokenizer = new GptTokenizer();
        int[] prompt = {GptTokenizer.END_OF_TEXT};
        String sample = tokenizer.decode(Arrays.copyOfRange(
                Sampler.generate(trainer.model(), prompt, sampleTokens, 0.8, 40, new Rng(config.seed())), 1,
                1 + sampleTokens));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("preset", config.preset());
        extra.put("device", device.name());
        extra.put("parameters", trainer.model().parameterCount());
        extra.put("validationLoss", validation);
        extra.put("unigramBaselineLoss", baseline);
        extra.put("sample", sample);
        RunReport.write(config.out(), trainer.history(), extra);
        System.out.printf(Locale.ROOT, "sample (temperature 0.8, top-k 40):%n%s%n%n", sample.strip());
        System.out.printf(Locale.ROOT, "wrote %s, %s and the checkpoint %s%n", config.out().resolve("loss.png"),
                config.out().resolve("summary.json"), trainer.checkpointDir());
        return 0;
    }

    /** The default dataset is Moby-Dick, shipped inside descent: tokenize it on first use. */
    public static void prepareEmbeddedDataIfMissing(Path data) throws IOException {
        if (Files.isDirectory(data) || !data.equals(TrainConfig.DEFAULT_DATA)) {
            return;
        }
        System.out.println("preparing the embedded Moby-Dick corpus in " + data + " ...");
        long tokens = Dataset.write(data, Corpora.mobyDickChapters(), 0.1, 1 << 20, new GptTokenizer());
        System.out.printf(Locale.ROOT, "%,d GPT-2 tokens (first 10%% held out for validation)%n", tokens);
    }
}
