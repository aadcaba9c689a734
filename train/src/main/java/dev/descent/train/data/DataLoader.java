package dev.descent.train.data;

import dev.descent.core.Rng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Yields micro-batches of {@code (B, T)} inputs and the targets shifted by one token. An epoch reads the shards
 * (in an order drawn from {@code seed} and the epoch number; file order in epoch 0) as one continuous stream
 * cut into windows of T + 1 tokens that overlap by one, window w holding stream tokens [wT, wT + T]; a
 * micro-batch is B windows. {@link Order#SEQUENTIAL} takes the windows in stream order, so consecutive rows
 * continue each other and a micro-batch that runs past the end of a shard continues in the next (no micro-batch
 * is lost at shard boundaries: llm.c and build-nanogpt drop one per shard). {@link Order#SHUFFLED} takes the
 * windows that start in each shard in a random order drawn from the seed, the epoch and the shard, one shard
 * after another, so a micro-batch mixes distant parts of the text while only a shard or two are in memory. Only
 * the windows that cannot fill a last micro-batch are skipped, once per epoch.
 *
 * <p>The position (epoch, tokens taken in the epoch) is two numbers, saved in checkpoints and restored with
 * {@link #seek}.
 */
public final class DataLoader {
    /** The order in which an epoch takes its windows. */
    public enum Order {
        /** Stream order: what validation reads, so a loss covers one stretch of text. */
        SEQUENTIAL,
        /** Each shard's windows in a seeded random order: what training reads. */
        SHUFFLED
    }

    private final List<Path> shards;
    private final int batch;
    private final int seqLen;
    private final long seed;
    private final Order order;
    private final int vocab;
    private final long[] shardSizes;
    private final long totalTokens;
    /** Windows per epoch: ⌊(tokens − 1) / T⌋. */
    private final long windows;
    private long epoch;
    private long offset;
    private int[] epochOrder;
    /** {@code blockStart[k]}: the first window that starts in the k-th shard of this epoch's order. */
    private long[] blockStart;
    private int cachedBlock = -1;
    private int[] blockOrder;
    private final ShardCache cache = new ShardCache();

    /** Batch arrays of {@code B·T} token ids, row-major {@code (B, T)}. */
    public record Batch(int[] inputs, int[] targets, int batch, int seqLen) {
    }

    /** Where the loader is: the epoch and the number of tokens taken in that epoch (windows taken × T). */
    public record Position(long epoch, long offset) {
    }

    /** A loader for any uint16 token ids. */
    public DataLoader(List<Path> shards, int batch, int seqLen, long seed, Order order) throws IOException {
        this(shards, batch, seqLen, seed, 1 << 16, order);
    }

    /**
     * A loader for a model with {@code vocab} token ids: each shard is checked when it is opened (here, for its
     * size, and on every later read), so an id the model has no embedding for fails naming the file and position.
     */
    public DataLoader(List<Path> shards, int batch, int seqLen, long seed, int vocab, Order order) throws IOException {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("the loader needs at least one shard");
        }
        if (batch <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch and sequence length must be positive, got " + batch + " x " + seqLen);
        }
        this.shards = List.copyOf(shards);
        this.batch = batch;
        this.seqLen = seqLen;
        this.seed = seed;
        this.order = order;
        this.vocab = vocab;
        this.shardSizes = new long[shards.size()];
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            shardSizes[i] = cache.load(i).length;
            total += shardSizes[i];
        }
        this.totalTokens = total;
        if (totalTokens < (long) batch * seqLen + 1) {
            throw new IllegalArgumentException("the shards " + this.shards + " hold " + totalTokens + " tokens, fewer "
                    + "than one micro-batch of " + batch + " x " + seqLen + " + 1 needs: prepare more data or lower "
                    + "--micro-batch or --seq-len");
        }
        this.windows = (totalTokens - 1) / seqLen;
        seek(new Position(0, 0));
    }

    /** Micro-batches per epoch: ⌊windows / B⌋ = ⌊(tokens − 1) / (B·T)⌋. */
    public long batchesPerEpoch() {
        return windows / batch;
    }

    public Position position() {
        return new Position(epoch, offset);
    }

    /** Continues from a saved position. */
    public void seek(Position position) {
        this.epoch = position.epoch();
        this.offset = position.offset();
        this.epochOrder = shardOrder(epoch);
        this.blockStart = new long[shards.size() + 1];
        long start = 0;
        for (int k = 0; k < epochOrder.length; k++) {
            blockStart[k] = Math.min((start + seqLen - 1) / seqLen, windows);
            start += shardSizes[epochOrder[k]];
        }
        blockStart[epochOrder.length] = windows;
        cachedBlock = -1;
    }

    /** The next micro-batch; after the last full one of an epoch, the next epoch begins. */
    public Batch next() {
        if (offset / seqLen + batch > batchesPerEpoch() * batch) {
            seek(new Position(epoch + 1, 0));
        }
        int n = batch * seqLen;
        int[] inputs = new int[n];
        int[] targets = new int[n];
        for (int row = 0; row < batch; row++) {
            int[] window = read(window(offset / seqLen + row) * seqLen, seqLen + 1);
            System.arraycopy(window, 0, inputs, row * seqLen, seqLen);
            System.arraycopy(window, 1, targets, row * seqLen, seqLen);
        }
        offset += n;
        return new Batch(inputs, targets, batch, seqLen);
    }

    /** The window taken {@code i}-th in this epoch. */
    private long window(long i) {
        if (order == Order.SEQUENTIAL) {
            return i;
        }
        int k = 0;
        while (blockStart[k + 1] <= i) {
            k++;
        }
        if (k != cachedBlock) {
            blockOrder = permutation((int) (blockStart[k + 1] - blockStart[k]),
                    new Rng((seed * 1_000_003L + epoch) * 1_000_003L + k));
            cachedBlock = k;
        }
        return blockStart[k] + blockOrder[(int) (i - blockStart[k])];
    }

    /** {@code count} tokens starting at {@code start} in this epoch's stream, crossing shard boundaries. */
    private int[] read(long start, int count) {
        int[] out = new int[count];
        int filled = 0;
        long shardStart = 0;
        for (int k = 0; k < epochOrder.length && filled < count; k++) {
            int shard = epochOrder[k];
            long shardEnd = shardStart + shardSizes[shard];
            long from = Math.max(start + filled, shardStart);
            if (from < shardEnd) {
                int[] tokens = cache.get(shard);
                int len = (int) Math.min(count - filled, shardEnd - from);
                System.arraycopy(tokens, (int) (from - shardStart), out, filled, len);
                filled += len;
            }
            shardStart = shardEnd;
        }
        return out;
    }

    /** Epoch 0 reads the shards in file order; later epochs in a Fisher-Yates shuffle seeded by (seed, epoch). */
    private int[] shardOrder(long epochNumber) {
        if (epochNumber == 0) {
            return permutation(shards.size(), null);
        }
        return permutation(shards.size(), new Rng(seed * 1_000_003L + epochNumber));
    }

    /** 0..n−1, shuffled by Fisher-Yates when {@code rng} is given. */
    private static int[] permutation(int n, Rng rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; rng != null && i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The two shards read last: a window that crosses a shard boundary needs both. */
    private final class ShardCache {
        private final int[] ids = {-1, -1};
        private final int[][] tokens = new int[2][];

        /** The tokens of {@code shard}, read and checked against the vocabulary if it is not one of the two. */
        int[] load(int shard) throws IOException {
            for (int i = 0; i < 2; i++) {
                if (ids[i] == shard) {
                    return tokens[i];
                }
            }
            ids[1] = ids[0];
            tokens[1] = tokens[0];
            ids[0] = -1;
            tokens[0] = Shard.read(shards.get(shard), vocab);
            ids[0] = shard;
            return tokens[0];
        }

        int[] get(int shard) {
            try {
                return load(shard);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
