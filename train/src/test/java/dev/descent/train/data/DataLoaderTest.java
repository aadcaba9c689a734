package dev.descent.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DataLoaderTest {
    private static final int SHARD_TOKENS = 1024;

    @TempDir
    Path dir;

    /** Four shards whose token at global position i is i mod 50000, so every window can be checked. */
    private List<Path> shards(int count) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int[] tokens = new int[SHARD_TOKENS];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (s * SHARD_TOKENS + i) % 50000;
            }
            Path file = dir.resolve(Dataset.shardName(s + 1));
            Shard.write(file, tokens);
            files.add(file);
        }
        return files;
    }

    @Test
    void targetsAreInputsShiftedByOne() throws IOException {
        DataLoader loader = new DataLoader(shards(1), 2, 8, 0, DataLoader.Order.SEQUENTIAL);
        DataLoader.Batch b = loader.next();
        for (int i = 0; i < 15; i++) {
            assertThat(b.targets()[i]).isEqualTo(b.inputs()[i + 1]);
        }
        assertThat(b.targets()[15]).isEqualTo(16);
        assertThat(loader.next().inputs()[0]).isEqualTo(16);
    }

    @Test
    void batchesCrossShardBoundariesSoNoneIsLost() throws IOException {
        DataLoader loader = new DataLoader(shards(4), 2, 8, 0, DataLoader.Order.SEQUENTIAL);
        // Per-shard loaders (llm.c, build-nanogpt) get (1024 - 1) / 16 = 63 per shard, 252 in all.
        assertThat(loader.batchesPerEpoch()).isEqualTo((4 * SHARD_TOKENS - 1) / 16).isEqualTo(255);
        for (int k = 0; k < 255; k++) {
            DataLoader.Batch b = loader.next();
            assertThat(b.inputs()[0]).isEqualTo(k * 16);
            assertThat(b.targets()[15]).isEqualTo(k * 16 + 16);
        }
        assertThat(loader.position().epoch()).isZero();
        loader.next();
        assertThat(loader.position().epoch()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(DataLoader.Order.class)
    void isDeterministicForASeedAndResumesFromAPosition(DataLoader.Order order) throws IOException {
        List<Path> files = shards(4);
        DataLoader a = new DataLoader(files, 2, 8, 42, order);
        DataLoader b = new DataLoader(files, 2, 8, 42, order);
        for (int k = 0; k < 300; k++) {
            a.next();
            b.next();
        }
        DataLoader.Position saved = a.position();
        DataLoader resumed = new DataLoader(files, 2, 8, 42, order);
        resumed.seek(saved);
        for (int k = 0; k < 400; k++) {
            DataLoader.Batch expected = a.next();
            assertThat(resumed.next().inputs()).containsExactly(expected.inputs());
            assertThat(b.next().inputs()).containsExactly(expected.inputs());
        }
    }

    @Test
    void laterEpochsShuffleShardOrderBySeed() throws IOException {
        List<Path> files = shards(4);
        DataLoader a = new DataLoader(files, 2, 8, 1, DataLoader.Order.SEQUENTIAL);
        DataLoader b = new DataLoader(files, 2, 8, 2, DataLoader.Order.SEQUENTIAL);
        List<Integer> firstA = new ArrayList<>();
        List<Integer> firstB = new ArrayList<>();
        for (int epoch = 1; epoch <= 6; epoch++) {
            a.seek(new DataLoader.Position(epoch, 0));
            b.seek(new DataLoader.Position(epoch, 0));
            firstA.add(a.next().inputs()[0]);
            firstB.add(b.next().inputs()[0]);
        }
        assertThat(firstA).isNotEqualTo(firstB);
    }

    /**
     * Shuffled, an epoch takes every window but the ones a last micro-batch cannot fill exactly once, those of
     * the first shard before those of the second, each shard's in a random order that differs between epochs.
     */
    @Test
    void shuffledTakesEachWindowOnceAShardAtATimeInARandomOrder() throws IOException {
        DataLoader loader = new DataLoader(shards(2), 2, 8, 7, DataLoader.Order.SHUFFLED);
        // 2048 tokens: (2048 - 1) / 8 = 255 windows, 127 micro-batches of 2 take 254 of them
        assertThat(loader.batchesPerEpoch()).isEqualTo(127);
        List<Integer> epoch0 = new ArrayList<>();
        for (int k = 0; k < 127; k++) {
            DataLoader.Batch b = loader.next();
            for (int row = 0; row < 2; row++) {
                // epoch 0 reads the shards in file order, where the token at stream position i is i
                int first = b.inputs()[row * 8];
                assertThat(first % 8).isZero();
                for (int i = 0; i < 8; i++) {
                    assertThat(b.inputs()[row * 8 + i]).isEqualTo(first + i);
                    assertThat(b.targets()[row * 8 + i]).isEqualTo(first + i + 1);
                }
                epoch0.add(first);
            }
        }
        List<Integer> epoch1 = new ArrayList<>();
        for (int k = 0; k < 127; k++) {
            DataLoader.Batch b = loader.next();
            epoch1.add(b.inputs()[0]);
            epoch1.add(b.inputs()[8]);
        }
        assertThat(new HashSet<>(epoch0)).hasSize(254);
        assertThat(epoch0.subList(0, 128)).allSatisfy(start -> assertThat(start).isLessThan(SHARD_TOKENS));
        assertThat(epoch0).isNotEqualTo(epoch0.stream().sorted().toList());
        assertThat(epoch1).isNotEqualTo(epoch0);
    }

    /**
     * With T not dividing the shard size, a window starting near the end of a shard belongs to that shard's block
     * and reads on into the next one: every window is taken once and each is contiguous in the stream.
     */
    @Test
    void shuffledWindowsThatCrossAShardBoundaryAreWholeAndTakenOnce() throws IOException {
        DataLoader loader = new DataLoader(shards(2), 1, 7, 3, DataLoader.Order.SHUFFLED);
        // (2048 - 1) / 7 = 292 windows; ⌈1024 / 7⌉ = 147 of them start in the first shard, the last at 1022
        assertThat(loader.batchesPerEpoch()).isEqualTo(292);
        List<Integer> starts = new ArrayList<>();
        for (int k = 0; k < 292; k++) {
            DataLoader.Batch b = loader.next();
            int first = b.inputs()[0];
            for (int i = 0; i < 7; i++) {
                assertThat(b.inputs()[i]).isEqualTo(first + i);
                assertThat(b.targets()[i]).isEqualTo(first + i + 1);
            }
            starts.add(first);
        }
        assertThat(starts.subList(0, 147)).allSatisfy(start -> assertThat(start).isLessThan(SHARD_TOKENS))
                .contains(1022);
        assertThat(starts.stream().sorted().toList())
                .isEqualTo(IntStream.range(0, 292).map(w -> 7 * w).boxed().toList());
    }
}
