package dev.descent.train.cli;

import dev.descent.train.data.Dataset;
import dev.descent.train.data.Tokenizer;
import dev.descent.train.data.TextSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prepare-data}: text -> tokens -> shards (the first one validation) and the tokenizer beside them. */
@Command(name = "prepare-data", mixinStandardHelpOptions = true,
        description = "Tokenize public-domain text into token shards (shard 0 is validation) with GPT-2's BPE or a "
                + "byte-pair vocabulary learned from the training text.")
public final class PrepareDataCommand implements Callable<Integer> {
    @Option(names = "--source", split = ",", defaultValue = "MOBY_DICK",
            description = "Comma-separated sources: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; SOTU needs "
                    + "npm, KJV needs apt-get).")
    List<TextSources.Source> sources;

    @Option(names = "--out", defaultValue = "data/moby-dick", description = "Dataset directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--shard-tokens", defaultValue = "1048576", description = "Tokens per training shard (default 2^20).")
    int shardTokens;

    @Option(names = "--tokenizer", defaultValue = "gpt2", description = "gpt2, bytes or bpe-N: a byte-pair "
            + "vocabulary of N tokens learned from the training documents (default ${DEFAULT-VALUE}).")
    String tokenizer;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Share of tokens held out (default ${DEFAULT-VALUE}).")
    double valFraction;

    @Override
    public Integer call() throws IOException {
        List<String> documents = new ArrayList<>();
        Path work = Files.createTempDirectory("descent-prepare");
        for (TextSources.Source source : sources) {
            List<String> docs = TextSources.documents(source, work);
            System.out.printf(Locale.ROOT, "%-9s %5d documents%n", source, docs.size());
            documents.addAll(docs);
        }
        Tokenizer written = Dataset.prepare(out, documents, valFraction, shardTokens, tokenizer);
        Dataset ds = Dataset.open(out);
        System.out.printf(Locale.ROOT, "wrote %s tokens (%,d ids) to %s: 1 validation shard + %d training shard(s) "
                + "and %s%n", written.name(), written.vocabSize(), out, ds.trainingShards().size(), Tokenizer.FILE);
        return 0;
    }

}
