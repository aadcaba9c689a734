package dev.descent.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        List<Path> shards;
        try (Stream<Path> files = Files.list(dir)) {
            shards = files.filter(p -> p.getFileName().toString().matches("shard_\\d{6}\\.bin")).sorted().toList();
        }
        if (shards.size() < 2) {
            throw new IOException("dataset " + dir + " has " + shards.size() + " shard(s); it needs a validation "
                    + "shard and at least one training shard: run `prepare-data` again");
        }
        return new Dataset(dir, shards);
    }

    public Path dir() {
        return dir;
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
     * Tokenizes {@code documents} and writes them to {@code dir}: the first documents, until at least
     * {@code validationFraction} of all tokens, go to shard 0 (validation); the rest fill training shards of
     * {@code shardTokens} tokens each (the last one may be shorter). Returns the number of tokens written.
     */
    public static long write(Path dir, List<String> documents, double validationFraction, int shardTokens,
                             GptTokenizer tokenizer) throws IOException {
        if (shardTokens <= 0) {
            throw new IllegalArgumentException("shard size must be positive, got " + shardTokens);
        }
        Files.createDirectories(dir);
        List<int[]> encoded = new ArrayList<>();
        long total = 0;
        for (String doc : documents) {
            int[] ids = tokenizer.encodeDocument(doc);
            encoded.add(ids);
            total += ids.length;
        }
        TokenBuffer validation = new TokenBuffer();
        int next = 0;
        while (next < encoded.size() - 1 && validation.size() < validationFraction * total) {
            validation.add(encoded.get(next++));
        }
        Shard.write(dir.resolve(shardName(0)), validation.toArray());
        int shardIndex = 1;
        TokenBuffer train = new TokenBuffer();
        for (int d = next; d < encoded.size(); d++) {
            for (int id : encoded.get(d)) {
                train.add(id);
                if (train.size() == shardTokens) {
                    Shard.write(dir.resolve(shardName(shardIndex++)), train.toArray());
                    train = new TokenBuffer();
                }
            }
        }
        if (train.size() > 0) {
            Shard.write(dir.resolve(shardName(shardIndex)), train.toArray());
        }
        return total;
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
