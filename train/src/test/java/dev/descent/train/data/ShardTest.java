package dev.descent.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsTokensIncludingTheLargestGpt2Id() throws IOException {
        int[] tokens = {0, 1, 50256, 65535, 464, 2068};
        Path file = dir.resolve("shard_000000.bin");
        Shard.write(file, tokens);
        assertThat(Shard.read(file)).containsExactly(tokens);
        assertThat(Files.size(file)).isEqualTo(1024 + 2L * tokens.length);
    }

    @Test
    void headerIsLlmcLayout() throws IOException {
        Path file = dir.resolve("s.bin");
        Shard.write(file, new int[] {7, 8, 9});
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(20240520);
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getInt(8)).isEqualTo(3);
        assertThat(b.getShort(1024)).isEqualTo((short) 7);
    }

    @Test
    void truncatedBodyNamesFileAndSizes() throws IOException {
        Path file = dir.resolve("t.bin");
        Shard.write(file, new int[] {1, 2, 3, 4});
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> Shard.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("declares 4 tokens")
                .hasMessageContaining("truncated");
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path file = dir.resolve("h.bin");
        Files.write(file, new byte[100]);
        assertThatThrownBy(() -> Shard.read(file)).hasMessageContaining("truncated").hasMessageContaining("header");
    }

    @Test
    void wrongMagicAndVersionAreReported() throws IOException {
        Path file = dir.resolve("m.bin");
        Shard.write(file, new int[] {1});
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] = 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> Shard.read(file)).hasMessageContaining("magic");
        Shard.write(file, new int[] {1});
        bytes = Files.readAllBytes(file);
        bytes[4] = 9;
        Files.write(file, bytes);
        assertThatThrownBy(() -> Shard.read(file)).hasMessageContaining("version 9");
    }

    @Test
    void refusesIdsThatDoNotFitUint16() {
        assertThatThrownBy(() -> Shard.write(dir.resolve("x.bin"), new int[] {70000}))
                .hasMessageContaining("70000");
    }
}
