package dev.descent.nn.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.layers.BatchNorm1d;
import dev.descent.nn.layers.Linear;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] u64(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    private static Map<String, float[]> values(Module m) {
        Map<String, float[]> v = new LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> v.put(k, t.toArray()));
        return v;
    }

    @Test
    void aLinearLayerIsWrittenByteForByteAsTheFormatSpecifies() throws IOException {
        Linear linear = new Linear(Tensor.fromArray(new float[] {0.5f, -2f}, 1, 2), Tensor.fromArray(new float[] {3f}));
        Path file = dir.resolve("linear.safetensors");
        StateDict.save(linear, file);
        String header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
                + "\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertThat(header).hasSize(118);
        byte[] expected = concat(
                HexFormat.of().parseHex("7800000000000000"),            // header length 120, little-endian u64
                (header + "  ").getBytes(StandardCharsets.US_ASCII),    // 118 bytes of JSON + 2 spaces: 8 + 120 ≡ 0 mod 8
                HexFormat.of().parseHex("0000003f" + "000000c0" + "00004040")); // 0.5f, −2f, 3f little-endian
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void metadataComesFirstAndScalarsHaveAnEmptyShape() throws IOException {
        Path file = dir.resolve("meta.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.scalar(1f)), Map.of("format", "pt"));
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        byte[] expected = concat(u64(88), (header + "    ").getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().parseHex("0000803f"));
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
        SafeTensors.Contents back = SafeTensors.read(file);
        assertThat(back.metadata()).containsExactly(Map.entry("format", "pt"));
        assertThat(back.tensors().get("w").shape().rank()).isZero();
        assertThat(back.tensors().get("w").item()).isEqualTo(1f);
    }

    @Test
    void aGptRoundTripsThroughAFile() throws IOException {
        GPTConfig config = new GPTConfig(11, 8, 2, 2, 8, 0f, false);
        GPT saved = new GPT(config, new Rng(1));
        GPT loaded = new GPT(config, new Rng(2));
        Path file = dir.resolve("gpt.safetensors");
        StateDict.save(saved, file, Map.of("config", config.toString()));
        assertThat(StateDict.load(loaded, file)).containsEntry("config", config.toString());
        assertThat(values(loaded)).usingRecursiveComparison().isEqualTo(values(saved));
        Tensor idx = Tensor.fromArray(new float[] {1, 5, 10, 0}, 1, 4);
        assertThat(loaded.forward(idx).toArray()).containsExactly(saved.forward(idx).toArray());
        assertThat(SafeTensors.read(file).tensors().keySet()).containsExactlyElementsOf(saved.stateDict().keySet());
    }

    @Test
    void batchNormBuffersAreSavedAndLoaded() throws IOException {
        Sequential saved = new Sequential(new Linear(2, 3, new Rng(3)), new BatchNorm1d(3));
        saved.forward(Tensor.randn(new Rng(4), 5, 2));
        Sequential loaded = new Sequential(new Linear(2, 3, new Rng(5)), new BatchNorm1d(3));
        Path file = dir.resolve("bn.safetensors");
        StateDict.save(saved, file);
        StateDict.load(loaded, file);
        assertThat(SafeTensors.read(file).tensors().keySet()).contains("1.running_mean", "1.running_var");
        assertThat(values(loaded)).usingRecursiveComparison().isEqualTo(values(saved));
        assertThat(values(loaded).get("1.running_mean")).isNotEqualTo(new float[3]);
    }

    /** Writes a Linear(2, 1)'s state with one change, loads it into another Linear, and returns the error. */
    private Throwable loadingFails(Map<String, Tensor> state) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        SafeTensors.write(file, state);
        Linear target = new Linear(2, 1, new Rng(7));
        Map<String, float[]> before = values(target);
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> StateDict.load(target, file));
        assertThat(values(target)).usingRecursiveComparison().isEqualTo(before);
        return error;
    }

    @Test
    void missingUnexpectedAndMisshapedKeysAreNamedAndChangeNothing() throws IOException {
        Tensor w = Tensor.ones(1, 2);
        Tensor b = Tensor.ones(1);
        assertThat(loadingFails(Map.of("weight", w)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing key 'bias' (expected shape (1))");
        assertThat(loadingFails(new LinkedHashMap<>(Map.of("weight", w, "bias", b, "scale", b))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected key 'scale'");
        assertThat(loadingFails(Map.of("weight", Tensor.ones(2, 1), "bias", b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 'weight' has shape (2, 1), the module expects (1, 2)")
                .hasMessageContaining("bad.safetensors");
    }

    @Test
    void aTruncatedFileNamesTheTensorWhoseBytesAreMissingAndChangesNothing() throws IOException {
        Linear source = new Linear(2, 1, new Rng(8));
        Path file = dir.resolve("linear.safetensors");
        StateDict.save(source, file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 2));
        Linear target = new Linear(2, 1, new Rng(9));
        Map<String, float[]> before = values(target);
        assertThatThrownBy(() -> StateDict.load(target, file)).isInstanceOf(IOException.class)
                .hasMessageContaining("tensor 'bias' ends at byte 12 but the file holds only 10 bytes of data");
        assertThat(values(target)).usingRecursiveComparison().isEqualTo(before);
        Files.write(file, Arrays.copyOf(bytes, 20));
        assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("header length 120 is impossible for a file of 20 bytes");
    }

    /** A file with the given JSON header (padded) followed by {@code data}. */
    private Path handWritten(String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("hand.safetensors");
        Files.write(file, concat(u64(header.length), header, data));
        return file;
    }

    @Test
    void filesFromOtherWritersAreReadWhateverTheirKeyOrder() throws IOException {
        // bias listed first although its bytes come second, as a writer that sorts keys would do
        Path file = handWritten("{\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}",
                HexFormat.of().parseHex("0000003f000000c000004040"));
        SafeTensors.Contents contents = SafeTensors.read(file);
        assertThat(contents.tensors().keySet()).containsExactly("bias", "weight");
        assertThat(contents.tensors().get("weight").toArray()).containsExactly(0.5f, -2f);
        assertThat(contents.tensors().get("bias").toArray()).containsExactly(3f);
        assertThat(contents.metadata()).isEmpty();
    }

    @Test
    void malformedHeadersAreNamed() throws IOException {
        byte[] four = new byte[4];
        assertThatThrownBy(() -> SafeTensors.read(handWritten("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", four)))
                .hasMessageContaining("tensor 'w' has dtype F16; only F32 is supported");
        assertThatThrownBy(() -> SafeTensors.read(handWritten("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", four)))
                .hasMessageContaining("tensor 'w' of shape (2) needs 8 bytes, but data_offsets are [0, 4]");
        assertThatThrownBy(() -> SafeTensors.read(handWritten("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", four)))
                .hasMessageContaining("tensor 'w' has no shape");
        assertThatThrownBy(() -> SafeTensors.read(handWritten("{\"w\":[1,2]}", four)))
                .hasMessageContaining("'w' is malformed");
        assertThatThrownBy(() -> SafeTensors.read(handWritten("[1, 2]", four))).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> SafeTensors.read(handWritten("{\"w\":", four))).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> SafeTensors.write(dir.resolve("x"), Map.of("__metadata__", Tensor.ones(1))))
                .hasMessageContaining("'__metadata__' is reserved");
    }

    @Test
    void anyTensorMapRoundTripsAndWritingReplacesTheFileAtomically() throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("step.m", Tensor.randn(new Rng(10), 3, 4));
        state.put("step.v", Tensor.rand(new Rng(11), 5));
        state.put("empty", Tensor.zeros(0, 3));
        state.put("wide", Tensor.randn(new Rng(12), 3, 100_000).requiresGrad(true));  // written in 3 chunks
        Path file = dir.resolve("optimizer.safetensors");
        Files.writeString(file, "an older file");
        SafeTensors.write(file, state, Map.of("step", "42", "rng", Long.toString(-7L)));
        SafeTensors.Contents back = SafeTensors.read(file);
        assertThat(back.tensors().keySet()).containsExactly("step.m", "step.v", "empty", "wide");
        state.forEach((k, t) -> {
            assertThat(back.tensors().get(k).shape()).isEqualTo(t.shape());
            assertThat(back.tensors().get(k).toArray()).containsExactly(t.toArray());
        });
        assertThat(back.metadata()).containsEntry("step", "42").containsEntry("rng", "-7");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    /** Bytes this thread allocated on the Java heap while {@code work} ran. */
    private static long allocatedBy(ThrowingRunnable work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            work.run();
        } catch (Exception e) {
            // the caller checks the error separately; here only the allocation counts
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * A state dict with one extra 1.6 GB tensor (a sparse file: the disk holds almost nothing) is refused from its
     * header, naming the key, before any data is read: the load allocates a few kilobytes, not gigabytes.
     */
    @Test
    void anExtraHugeKeyIsRefusedFromTheHeaderBeforeAnyDataIsRead() throws IOException {
        Path file = dir.resolve("linear.safetensors");
        long huge = 400_000_000L;
        String json = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
                + "\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"extra\":{\"dtype\":\"F32\",\"shape\":[" + huge + "],\"data_offsets\":[12," + (12 + 4 * huge) + "]}}";
        Files.write(file, concat(u64(json.length()), json.getBytes(StandardCharsets.UTF_8)));
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(8 + json.length() + 12 + 4 * huge);
        }
        Linear target = new Linear(2, 1, new Rng(9));
        Map<String, float[]> before = values(target);
        assertThatThrownBy(() -> StateDict.load(target, file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected key 'extra'").hasMessageContaining(file.toString());
        assertThat(allocatedBy(() -> StateDict.load(target, file))).isLessThan(1L << 20);
        assertThat(values(target)).usingRecursiveComparison().isEqualTo(before);
    }
}
