package dev.descent.train.cli;

import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.Checkpoint;
import dev.descent.train.loop.ModelCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export-hf}: a descent checkpoint's model as a Hugging Face GPT-2 folder. */
@Command(name = "export-hf", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's model as a Hugging Face GPT-2 folder (config.json + model.safetensors) "
                + "that transformers' GPT2LMHeadModel.from_pretrained loads.")
public final class ExportHfCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "The checkpoint directory (trained or imported).")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "The folder to create (new or empty).")
    Path out;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        Checkpoint.Loaded<GPTConfig> exported = ModelCheckpoint.exportHf(checkpoint, out);
        if (exported.skipped() != null) {
            System.err.println("descent: " + checkpoint + " is unloadable (" + exported.skipped() + "); exported "
                    + exported.from());
        }
        System.out.printf(Locale.ROOT, "exported %s (%s) to %s in %.1f s%n", exported.from(),
                ImportHfCommand.describe(exported.value()), out, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
