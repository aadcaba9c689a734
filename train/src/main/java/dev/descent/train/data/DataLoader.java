package dev.descent.train.data;

import dev.descent.core.Rng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Yields micro-batches of {@code (B, T)} inputs and the targets shifted by one token, reading the shards as one
 * continuous stream: a micro-batch that runs past the end of a shard continues in the next, so no micro-batch
 * is lost at shard boundaries (llm.c and build-nanogpt drop one per shard: 511 of 512 at B=2, T=1024 with
 * 2^20-token shards). Each epoch visits the shards in an order drawn from {@code seed} and the epoch number;
 * only the tail of the last shard that cannot fill a micro-batch is skipped, once per epoch.
 *
 * <p>The position (epoch, offset in the epoch's stream) is two numbers, saved in checkpoints and restored
 * with {@link #seek}.
 */
public final class DataLoader {
    private final List<Path> shards;
    private final int batch;
    private final int seqLen;
    private final long seed;
    private final int vocab;
    private final long[] shardSizes;
    private final long totalTokens;
    private long epoch;
    private long offset;
    private int[] epochOrder;
    private int cachedShard = -1;
    private int[] cachedTokens;

    /** Batch arrays of {@code B·T} token ids, row-major {@code (B, T)}. */
    public record Batch(int[] inputs, int[] targets, int batch, int seqLen) {
    }

    /** Where the loader is: the epoch and the token offset inside that epoch's stream. */
    public record Position(long epoch, long offset) {
    }

    /** A loader for any uint16 token ids. */
    public DataLoader(List<Path> shards, int batch, int seqLen, long seed) throws IOException {
        this(shards, batch, seqLen, seed, 1 << 16);
    }

    /**
     * A loader for a model with {@code vocab} token ids: each shard is checked when it is opened (here, for its
     * size, and on every later read), so an id the model has no embedding for fails naming the file and position.
     */
    public DataLoader(List<Path> shards, int batch, int seqLen, long seed, int vocab) throws IOException {
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
        this.vocab = vocab;
        this.shardSizes = new long[shards.size()];
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            cachedTokens = Shard.read(shards.get(i), vocab);
            cachedShard = i;
            shardSizes[i] = cachedTokens.length;
            total += shardSizes[i];
        }
        this.totalTokens = total;
        if (totalTokens < (long) batch * seqLen + 1) {
            throw new IllegalArgumentException("the shards " + this.shards + " hold " + totalTokens + " tokens, fewer "
                    + "than one micro-batch of " + batch + " x " + seqLen + " + 1 needs: prepare more data or lower "
                    + "--micro-batch or --seq-len");
        }
        seek(new Position(0, 0));
    }

    /** Micro-batches per epoch: ⌊(tokens − 1) / (B·T)⌋. */
    public long batchesPerEpoch() {
        return (totalTokens - 1) / ((long) batch * seqLen);
    }

    public Position position() {
        return new Position(epoch, offset);
    }

    /** Continues from a saved position. */
    public void seek(Position position) {
        this.epoch = position.epoch();
        this.offset = position.offset();
        this.epochOrder = shardOrder(epoch);
    }

    /** The next micro-batch; after the last full one of an epoch, the next epoch begins. */
    public Batch next() {
        int n = batch * seqLen;
        if (offset + n + 1 > totalTokens) {
            seek(new Position(epoch + 1, 0));
        }
        int[] window = read(offset, n + 1);
        offset += n;
        int[] inputs = new int[n];
        int[] targets = new int[n];
        System.arraycopy(window, 0, inputs, 0, n);
        System.arraycopy(window, 1, targets, 0, n);
        return new Batch(inputs, targets, batch, seqLen);
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
                int[] tokens = load(shard);
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
        int[] order = new int[shards.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (epochNumber > 0) {
            Rng rng = new Rng(seed * 1_000_003L + epochNumber);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    private int[] load(int shard) {
        if (shard != cachedShard) {
            try {
                cachedTokens = Shard.read(shards.get(shard), vocab);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cachedShard = shard;
        }
        return cachedTokens;
    }

}
