package dev.descent.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A directory of token shards named {@code shard_000000.bin}, {@code shard_000001.bin}, ..: the first shard is
 * the validation split, the rest are for training.
 */
public final class Dataset {
    private final Path dir;
    private final List<Path> shards;

    private Dataset(Path dir, List<Path> shards) {
        this.dir = dir;
        this.shards = shards;
    }

    /** Opens a prepared dataset, or says how to prepare one. */
    public static Dataset open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no dataset at " + dir + ": run `prepare-data` first");
        }
        List<Path> shards = shards(dir);
        if (shards.size() < 2) {
            throw new IOException("dataset " + dir + " has " + shards.size() + " shard(s); it needs a validation "
                    + "shard and at least one training shard: run `prepare-data` again");
        }
        return new Dataset(dir, shards);
    }

    public Path dir() {
        return dir;
    }

    /** The tokenizer the shards were written with. */
    public Tokenizer tokenizer() throws IOException {
        return Tokenizers.recordedIn(dir);
    }

    public Path validationShard() {
        return shards.get(0);
    }

    public List<Path> trainingShards() {
        return shards.subList(1, shards.size());
    }

    /** The file name of shard number {@code index}. */
    public static String shardName(int index) {
        return String.format(Locale.ROOT, "shard_%06d.bin", index);
    }

    /**
     * Tokenizes {@code documents} into {@code dir} with the tokenizer called {@code tokenizerName} (see
     * {@link Tokenizers#create}), which learns from the training documents only, so validation text is unseen by
     * both tokenizer and model. Returns the tokenizer, also saved in the directory.
     */
    public static Tokenizer prepare(Path dir, List<String> documents, double validationFraction, int shardTokens,
                                    String tokenizerName) throws IOException {
        int validation = validationDocuments(documents, validationFraction);
        Tokenizer tokenizer = Tokenizers.create(tokenizerName, documents.subList(validation, documents.size()));
        write(dir, documents, validationFraction, shardTokens, tokenizer);
        return tokenizer;
    }

    /**
     * How many leading documents form the validation split: the first ones until they hold at least
     * {@code fraction} of all characters, leaving at least one document for training.
     */
    public static int validationDocuments(List<String> documents, double fraction) {
        long total = documents.stream().mapToLong(String::length).sum();
        long chars = 0;
        int n = 0;
        while (n < documents.size() - 1 && chars < fraction * total) {
            chars += documents.get(n++).length();
        }
        return n;
    }

    /**
     * Tokenizes {@code documents} and writes them to {@code dir}, replacing any shards there, with the
     * tokenizer's {@link Tokenizer#FILE}: the validation documents ({@link #validationDocuments}) go to shard 0;
     * the rest fill training shards of {@code shardTokens} tokens each (the last one may be shorter). Returns the
     * number of tokens written.
     */
    public static long write(Path dir, List<String> documents, double validationFraction, int shardTokens,
                             Tokenizer tokenizer) throws IOException {
        if (shardTokens <= 0) {
            throw new IllegalArgumentException("shard size must be positive, got " + shardTokens);
        }
        Files.createDirectories(dir);
        deleteShards(dir);
        int validationDocs = validationDocuments(documents, validationFraction);
        TokenBuffer validation = new TokenBuffer();
        for (String doc : documents.subList(0, validationDocs)) {
            validation.add(tokenizer.encodeDocument(doc));
        }
        Shard.write(dir.resolve(shardName(0)), validation.toArray());
        long total = validation.size();
        int shardIndex = 1;
        TokenBuffer train = new TokenBuffer();
        for (String doc : documents.subList(validationDocs, documents.size())) {
            for (int id : tokenizer.encodeDocument(doc)) {
                train.add(id);
                total++;
                if (train.size() == shardTokens) {
                    Shard.write(dir.resolve(shardName(shardIndex++)), train.toArray());
                    train = new TokenBuffer();
                }
            }
        }
        if (train.size() > 0) {
            Shard.write(dir.resolve(shardName(shardIndex)), train.toArray());
        }
        tokenizer.save(dir);
        return total;
    }

    private static void deleteShards(Path dir) throws IOException {
        for (Path shard : shards(dir)) {
            Files.delete(shard);
        }
    }

    /** The shard files in {@code dir}, in order. */
    private static List<Path> shards(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("shard_\\d{6}\\.bin")).sorted().toList();
        }
    }

    /** A growable int array. */
    private static final class TokenBuffer {
        private int[] data = new int[1024];
        private int size;

        void add(int id) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = id;
        }

        void add(int[] ids) {
            for (int id : ids) {
                add(id);
            }
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
