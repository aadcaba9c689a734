package dev.descent.train.cli;

import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.ModelCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code import-hf}: a Hugging Face GPT-2 folder into a descent checkpoint directory. */
@Command(name = "import-hf", mixinStandardHelpOptions = true,
        description = "Convert a Hugging Face GPT-2 folder (config.json + model.safetensors, any size) into a descent "
                + "checkpoint that sample reads.")
public final class ImportHfCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The Hugging Face folder, e.g. gpt2/ as downloaded.")
    Path hfDir;

    @Option(names = "--out", required = true, description = "The checkpoint directory to create (new or empty).")
    Path out;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        GPTConfig config = ModelCheckpoint.importHf(hfDir, out);
        System.out.printf(Locale.ROOT, "imported %s (%s) into %s in %.1f s%n", hfDir, describe(config), out,
                (System.nanoTime() - start) / 1e9);
        System.out.printf("try: ./descent sample --checkpoint %s --prompt \"Hello, I'm a language model,\"%n", out);
        return 0;
    }

    /** "layers 12, heads 12, width 768, context 1024, vocab 50257: 124,439,808 parameters". */
    static String describe(GPTConfig config) {
        return String.format(Locale.ROOT, "layers %d, heads %d, width %d, context %d, vocab %d: %,d parameters",
                config.layers(), config.heads(), config.width(), config.contextLength(), config.vocabSize(),
                GPT.parameterCount(config));
    }
}
