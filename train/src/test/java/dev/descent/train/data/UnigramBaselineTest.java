package dev.descent.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnigramBaselineTest {
    @TempDir
    Path dir;

    @Test
    void isTheCrossEntropyOfSmoothedTrainingFrequencies() throws IOException {
        Shard.write(dir.resolve("train.bin"), new int[] {0, 0, 0, 1});
        // p(0) = (3+1)/(4+3), p(2) = (0+1)/(4+3)
        double expected = -(Math.log(4.0 / 7) + Math.log(1.0 / 7)) / 2;
        assertThat(UnigramBaseline.crossEntropy(List.of(dir.resolve("train.bin")), new int[] {0, 2}, 3))
                .isCloseTo(expected, within(1e-12));
    }
}
