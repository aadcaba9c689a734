package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import dev.descent.train.loop.TrainFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite: a generated corpus of hostile inputs — damaged safetensors, shards and trainer.json,
 * checkpoint directories with pieces missing — fed to ./descent (in this JVM, through the same code as the
 * command) by {@code train --resume}, {@code sample} and {@code train --data}. Each must end with exit 1 and one
 * line {@code descent: ..} naming the file and the problem, allocate less than {@link #MEMORY_BOUND} on the heap
 * (one input declares a 1.6 GB tensor), and leave every file as it was.
 */
class FaultInjectionTest {
    private static final long MEMORY_BOUND = 64L << 20;
    private static final String MODEL = "run/checkpoint/model.safetensors";
    private static final String OPTIMIZER = "run/checkpoint/optimizer.safetensors";
    private static final String STATE = "run/checkpoint/trainer.json";
    private static final String CHECKPOINT = "run/checkpoint";

    @TempDir
    static Path shared;
    private static Path pristineRun;
    private static Path pristineData;
    private static int tried;
    private static int changed;

    /** Which command meets the input: train --resume and sample read checkpoints, train --data reads shards. */
    enum Through { RESUME, SAMPLE, DATA }

    /** Damages a copy of a good run ({@code root/run}) or dataset ({@code root/data}). */
    interface Damage {
        void apply(Path root) throws IOException;
    }

    /**
     * One hostile input.
     *
     * @param file     the file or directory the error must name, relative to the case's root
     * @param expected what the error must say about it
     */
    record Hostile(String name, Through through, String file, String expected, Damage damage) {
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        pristineData = TrainFixtures.learnableShards(shared, 32);
        pristineRun = shared.resolve("run");
        Cli.Run r = Cli.train(pristineData, pristineRun, "--steps", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @AfterAll
    static void recordCounts() throws IOException {
        DocCounts.record("hostile inputs tried", corpus().stream().map(Hostile::name).distinct().count());
        DocCounts.record("refusals checked (input × command)", tried);
        DocCounts.record("files changed by a refused input", changed);
    }

    @TestFactory
    Stream<DynamicTest> everyHostileInputIsRefusedNamingItWithBoundedMemoryAndNoFileChanged() {
        List<Hostile> corpus = corpus();
        return java.util.stream.IntStream.range(0, corpus.size()).mapToObj(i -> DynamicTest.dynamicTest(
                corpus.get(i).through() + ": " + corpus.get(i).name(), () -> refused(corpus.get(i), i)));
    }

    private static void refused(Hostile h, int index) throws IOException {
        Path root = shared.resolve("case-" + index);
        copyTree(h.through() == Through.DATA ? pristineData : pristineRun,
                root.resolve(h.through() == Through.DATA ? "data" : "run"));
        h.damage().apply(root);
        Map<String, String> before = snapshot(root);
        String[] args = switch (h.through()) {
            case RESUME -> train(pristineData, root.resolve("run"), "--resume", root.resolve(CHECKPOINT).toString());
            case SAMPLE -> new String[] {"sample", "--vocab", "32", "--context", "16", "--layers", "1", "--heads", "2",
                    "--width", "16", "--checkpoint", root.resolve(CHECKPOINT).toString(), "--tokens", "3"};
            case DATA -> train(root.resolve("data"), root.resolve("out"));
        };
        long allocated = allocatedBytes();
        Cli.Run r = Cli.descent(args);
        allocated = allocatedBytes() - allocated;
        tried++;
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("descent: ").contains(root.resolve(h.file()).toString()).contains(h.expected());
        assertThat(allocated).as("bytes allocated").isLessThan(MEMORY_BOUND);
        Map<String, String> after = snapshot(root);
        if (!after.equals(before)) {
            changed++;
        }
        assertThat(after).as("files after the refusal").isEqualTo(before);
    }

    private static String[] train(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--sample-tokens", "4"));
        args.addAll(Cli.tinyRun(data, out, "--steps", "3"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    // ------------------------------------------------------------------ the corpus

    static List<Hostile> corpus() {
        List<Hostile> all = new ArrayList<>();
        for (Hostile h : safetensorsDamage(MODEL)) {
            all.add(h);
            all.add(new Hostile(h.name(), Through.SAMPLE, h.file(), h.expected(), h.damage()));
        }
        all.addAll(safetensorsDamage(OPTIMIZER));
        all.addAll(optimizerStateDamage());
        all.addAll(weightDamage());
        all.addAll(shapeMetadataDamage());
        for (Hostile h : trainerJsonDamage()) {
            all.add(h);
            // sample reads the model's shape from a trainer.json that is there: a damaged one is refused by both
            // (one that is missing, or of another run, concerns only a resume)
            if (h.file().equals(STATE)) {
                all.add(new Hostile(h.name(), Through.SAMPLE, h.file(), h.expected(), h.damage()));
            }
        }
        all.addAll(directoryDamage());
        all.addAll(shardDamage());
        return all;
    }

    /** What can be wrong with any safetensors file of a checkpoint. */
    private static List<Hostile> safetensorsDamage(String file) {
        String n = Path.of(file).getFileName().toString();
        Through t = Through.RESUME;
        return List.of(
                new Hostile(n + " missing", t, CHECKPOINT, "lacks " + n, r -> Files.delete(r.resolve(file))),
                new Hostile(n + " empty", t, file, "is 0 bytes", r -> Files.write(r.resolve(file), new byte[0])),
                new Hostile(n + " cut to 5 bytes", t, file, "too short", r -> cut(r.resolve(file), 5)),
                new Hostile(n + " cut in its header", t, file, "is impossible for a file of", r -> cut(r.resolve(file), 40)),
                new Hostile(n + " cut in half", t, file, "bytes of data (truncated?)",
                        r -> cut(r.resolve(file), Files.size(r.resolve(file)) / 2 + 64)),
                new Hostile(n + " missing its last byte", t, file, "bytes of data (truncated?)",
                        r -> cut(r.resolve(file), Files.size(r.resolve(file)) - 1)),
                new Hostile(n + " header length 2^62", t, file, "header length 4611686018427387904 is impossible",
                        r -> patchLong(r.resolve(file), 0, 1L << 62)),
                new Hostile(n + " header length 0", t, file, "header length 0 is impossible",
                        r -> patchLong(r.resolve(file), 0, 0)),
                new Hostile(n + " header not JSON", t, file, "not valid JSON",
                        r -> patchBytes(r.resolve(file), 8, "{\"a\":[}  ".getBytes(StandardCharsets.UTF_8))),
                new Hostile(n + " header a JSON array", t, file, "not a JSON object",
                        r -> rewriteRaw(r.resolve(file), "[1, 2, 3]")),
                new Hostile(n + " dtype F16", t, file, "dtype F16",
                        r -> editFirst(r.resolve(file), e -> with(e, "dtype", "F16"))),
                new Hostile(n + " dtype F64", t, file, "dtype F64",
                        r -> editFirst(r.resolve(file), e -> with(e, "dtype", "F64"))),
                new Hostile(n + " dtype I32 (as many bytes as F32)", t, file, "has dtype I32; only F32 is supported",
                        r -> editLast(r.resolve(file), e -> with(e, "dtype", "I32"))),
                new Hostile(n + " negative dimension", t, file, "negative dimension",
                        r -> editFirst(r.resolve(file), e -> with(e, "shape", ints(-1, 4)))),
                new Hostile(n + " offsets past the end", t, file, "bytes of data (truncated?)",
                        r -> editLast(r.resolve(file), e -> shift(e, 1 << 20))),
                new Hostile(n + " offsets disagree with the shape", t, file, "but data_offsets are",
                        r -> editFirst(r.resolve(file), e -> with(e, "data_offsets", longs(0, 4)))),
                new Hostile(n + " three data offsets", t, file, "needs data_offsets [begin, end]",
                        r -> editFirst(r.resolve(file), e -> with(e, "data_offsets", longs(0, 4, 8)))),
                new Hostile(n + " a tensor without a shape", t, file, "has no shape",
                        r -> editFirst(r.resolve(file), e -> without(e, "shape"))),
                new Hostile(n + " a tensor that is a number", t, file, "is malformed",
                        r -> editHeader(r.resolve(file), h -> h.addProperty(firstKey(h), 7))),
                new Hostile(n + " metadata not an object", t, file, "is malformed",
                        r -> editHeader(r.resolve(file), h -> h.addProperty("__metadata__", 3))),
                new Hostile(n + " binary garbage", t, file, "impossible",
                        r -> Files.write(r.resolve(file), garbage(4096))));
    }

    /** Damage that only the comparison with the model or the optimizer can find. */
    private static List<Hostile> weightDamage() {
        Through t = Through.RESUME;
        List<Hostile> model = List.of(
                new Hostile("an extra 1.6 GB tensor (sparse file)", t, MODEL, "unexpected key 'extra'",
                        r -> addHugeTensor(r.resolve(MODEL), "extra")),
                new Hostile("a missing tensor", t, MODEL, "missing key", r -> editHeader(r.resolve(MODEL),
                        h -> h.remove(firstKey(h)))),
                new Hostile("a tensor of another shape", t, MODEL, "the module expects",
                        r -> editFirst(r.resolve(MODEL), e -> with(e, "shape", reversed(e.getAsJsonArray("shape"))))),
                new Hostile("NaN in a weight", t, MODEL, "non-finite values in", r -> poison(r.resolve(MODEL), Float.NaN)),
                new Hostile("+infinity in a weight", t, MODEL, "non-finite values in",
                        r -> poison(r.resolve(MODEL), Float.POSITIVE_INFINITY)));
        List<Hostile> both = new ArrayList<>();
        for (Hostile h : model) {
            both.add(h);
            both.add(new Hostile(h.name(), Through.SAMPLE, h.file(), h.expected(), h.damage()));
        }
        return both;
    }

    /** The model's shape in model.safetensors' metadata, which only sample reads. */
    private static List<Hostile> shapeMetadataDamage() {
        Through t = Through.SAMPLE;
        return List.of(
                new Hostile("shape metadata not a number", t, MODEL, "model shape 'width' is 'wide', not a whole number",
                        r -> editHeader(r.resolve(MODEL), h -> h.add("__metadata__", shape("32", "16", "1", "2", "wide")))),
                new Hostile("shape metadata incomplete", t, MODEL, "the model shape needs all of",
                        r -> editHeader(r.resolve(MODEL), h -> {
                            JsonObject partial = shape("32", "16", "1", "2", "16");
                            partial.remove("heads");
                            h.add("__metadata__", partial);
                        })),
                new Hostile("shape metadata impossible (width not a multiple of heads)", t, MODEL, "heads",
                        r -> editHeader(r.resolve(MODEL), h -> h.add("__metadata__", shape("32", "16", "1", "3", "16")))));
    }

    /** Shape metadata as GPTConfig.shapeMetadata writes it. */
    private static JsonObject shape(String vocab, String context, String layers, String heads, String width) {
        JsonObject m = new JsonObject();
        m.addProperty("vocab", vocab);
        m.addProperty("context", context);
        m.addProperty("layers", layers);
        m.addProperty("heads", heads);
        m.addProperty("width", width);
        return m;
    }

    private static List<Hostile> optimizerStateDamage() {
        Through t = Through.RESUME;
        return List.of(
                new Hostile("optimizer state with an extra 1.6 GB tensor", t, OPTIMIZER, "no state of this optimizer",
                        r -> addHugeTensor(r.resolve(OPTIMIZER), "0.exp_avg_extra")),
                new Hostile("optimizer state of a parameter that does not exist", t, OPTIMIZER, "'999.exp_avg'",
                        r -> renameFirst(r.resolve(OPTIMIZER), "999.exp_avg")),
                new Hostile("optimizer state of an unknown buffer", t, OPTIMIZER, "'0.momentum_buffer'",
                        r -> renameFirst(r.resolve(OPTIMIZER), "0.momentum_buffer")),
                new Hostile("optimizer state without a parameter index", t, OPTIMIZER, "'x.exp_avg'",
                        r -> renameFirst(r.resolve(OPTIMIZER), "x.exp_avg")),
                new Hostile("optimizer state of another shape", t, OPTIMIZER, "no state of this optimizer",
                        r -> editFirst(r.resolve(OPTIMIZER), e -> with(e, "shape", reversed(e.getAsJsonArray("shape"))))),
                new Hostile("NaN in AdamW's second moment", t, OPTIMIZER, "non-finite values in exp_avg",
                        r -> poison(r.resolve(OPTIMIZER), Float.NaN)));
    }

    private static List<Hostile> trainerJsonDamage() {
        Through t = Through.RESUME;
        return List.of(
                new Hostile("trainer.json missing", t, CHECKPOINT, "lacks trainer.json", r -> Files.delete(r.resolve(STATE))),
                new Hostile("trainer.json empty", t, STATE, "is empty", r -> Files.writeString(r.resolve(STATE), "")),
                new Hostile("trainer.json {}", t, STATE, "lacks 'identity'", r -> Files.writeString(r.resolve(STATE), "{}")),
                new Hostile("trainer.json []", t, STATE, "not valid JSON", r -> Files.writeString(r.resolve(STATE), "[]")),
                new Hostile("trainer.json cut in half", t, STATE, "not valid JSON",
                        r -> cut(r.resolve(STATE), Files.size(r.resolve(STATE)) / 2)),
                new Hostile("trainer.json binary garbage", t, STATE, "not valid JSON",
                        r -> Files.write(r.resolve(STATE), garbage(512))),
                new Hostile("trainer.json negative nextStep", t, STATE, "negative nextStep -1",
                        r -> editState(r, "\"nextStep\": \\d+", "\"nextStep\": -1")),
                new Hostile("trainer.json negative loaderOffset", t, STATE, "negative loaderOffset -128",
                        r -> editState(r, "\"loaderOffset\": \\d+", "\"loaderOffset\": -128")),
                new Hostile("trainer.json negative loaderEpoch", t, STATE, "negative loaderEpoch -1",
                        r -> editState(r, "\"loaderEpoch\": \\d+", "\"loaderEpoch\": -1")),
                new Hostile("trainer.json nextStep beyond its history", t, STATE, "but 3 steps of history",
                        r -> editState(r, "\"nextStep\": \\d+", "\"nextStep\": 99")),
                new Hostile("trainer.json nextStep not a number", t, STATE, "not valid JSON",
                        r -> editState(r, "\"nextStep\": \\d+", "\"nextStep\": \"three\"")),
                new Hostile("trainer.json nextStep beyond int", t, STATE, "not valid JSON",
                        r -> editState(r, "\"nextStep\": \\d+", "\"nextStep\": 1e20")),
                new Hostile("trainer.json step counter 0", t, STATE, "outside 1..3",
                        r -> editState(r, "\"0\": \\d+", "\"0\": 0")),
                new Hostile("trainer.json history null", t, STATE, "lacks 'history'",
                        r -> editState(r, "\"history\": \\[", "\"history\": null, \"ignored\": [")),
                new Hostile("trainer.json an impossible extension", t, STATE, "impossible schedule extension",
                        r -> editState(r, "\"extensions\": \\[\\]", "\"extensions\": [{\"from\": 5, \"to\": 2}]")),
                new Hostile("trainer.json of a wider model", t, CHECKPOINT, "width (checkpoint 32, now 16)",
                        r -> editState(r, "\"width\": \"16\"", "\"width\": \"32\"")),
                new Hostile("trainer.json of a longer schedule", t, CHECKPOINT, "--steps 3 differs from the run's 5",
                        r -> editState(r, "\"steps\": \"3\"", "\"steps\": \"5\"")));
    }

    private static List<Hostile> directoryDamage() {
        Through t = Through.RESUME;
        return List.of(
                new Hostile("checkpoint directory missing", t, CHECKPOINT, "the directory does not exist",
                        r -> deleteTree(r.resolve(CHECKPOINT))),
                new Hostile("checkpoint directory empty", t, CHECKPOINT, "lacks trainer.json, model.safetensors, "
                        + "optimizer.safetensors", r -> {
                            deleteTree(r.resolve(CHECKPOINT));
                            Files.createDirectories(r.resolve(CHECKPOINT));
                        }),
                new Hostile("checkpoint is a file", t, CHECKPOINT, "is a file, not a directory", r -> {
                    deleteTree(r.resolve(CHECKPOINT));
                    Files.writeString(r.resolve(CHECKPOINT), "not a directory");
                }),
                new Hostile("model.safetensors is a directory", t, CHECKPOINT, "lacks model.safetensors", r -> {
                    Files.delete(r.resolve(MODEL));
                    Files.createDirectories(r.resolve(MODEL));
                }),
                new Hostile("checkpoint and checkpoint.prev both damaged", t, CHECKPOINT + ".prev", "lacks 'identity'",
                        r -> {
                            copyTree(r.resolve(CHECKPOINT), r.resolve(CHECKPOINT + ".prev"));
                            Files.writeString(r.resolve(STATE), "{}");
                            Files.writeString(r.resolve(CHECKPOINT + ".prev/trainer.json"), "{}");
                        }),
                new Hostile("checkpoint missing and checkpoint.prev damaged", t, CHECKPOINT + ".prev",
                        "non-finite values in", r -> {
                            Files.move(r.resolve(CHECKPOINT), r.resolve(CHECKPOINT + ".prev"));
                            poison(r.resolve(CHECKPOINT + ".prev/model.safetensors"), Float.NaN);
                        }));
    }

    private static List<Hostile> shardDamage() {
        Through t = Through.DATA;
        String shard = "data/" + Dataset.shardName(2);
        String validation = "data/" + Dataset.shardName(0);
        return List.of(
                new Hostile("shard with another magic", t, shard, "has magic 7", r -> patchInt(r.resolve(shard), 0, 7)),
                new Hostile("shard of version 9", t, shard, "has version 9", r -> patchInt(r.resolve(shard), 4, 9)),
                new Hostile("shard shorter than its header", t, shard, "shorter than the 1024-byte header",
                        r -> cut(r.resolve(shard), 100)),
                new Hostile("empty shard", t, shard, "shorter than the 1024-byte header",
                        r -> Files.write(r.resolve(shard), new byte[0])),
                new Hostile("shard cut short", t, shard, ": truncated", r -> cut(r.resolve(shard), 1024 + 300)),
                new Hostile("shard declaring a negative count", t, shard, "declares -5 tokens",
                        r -> patchInt(r.resolve(shard), 8, -5)),
                new Hostile("shard declaring 2^31-1 tokens", t, shard, "declares 2147483647 tokens",
                        r -> patchInt(r.resolve(shard), 8, Integer.MAX_VALUE)),
                new Hostile("shard with trailing bytes", t, shard, "declares 700 tokens", r -> Files.write(r.resolve(shard),
                        concat(Files.readAllBytes(r.resolve(shard)), new byte[] {1, 2}))),
                new Hostile("shard with a token id beyond the vocabulary", t, shard, "token id 40 at token 517",
                        r -> patchShort(r.resolve(shard), 1024 + 2 * 517, 40)),
                new Hostile("shard with token id 65535", t, shard, "token id 65535 at token 3",
                        r -> patchShort(r.resolve(shard), 1024 + 2 * 3, 65535)),
                new Hostile("validation shard with a token id beyond the vocabulary", t, validation, "token id 32 at token 699",
                        r -> patchShort(r.resolve(validation), 1024 + 2 * 699, 32)),
                new Hostile("shard that is a directory", t, shard, "is not a file", r -> {
                    Files.delete(r.resolve(shard));
                    Files.createDirectories(r.resolve(shard));
                }),
                new Hostile("dataset without training shards", t, "data", "has 1 shard(s)", r -> {
                    for (int s = 1; s < 4; s++) {
                        Files.delete(r.resolve("data/" + Dataset.shardName(s)));
                    }
                }),
                new Hostile("dataset missing", t, "data", "no dataset at", r -> deleteTree(r.resolve("data"))),
                new Hostile("dataset that is a file", t, "data", "no dataset at", r -> {
                    deleteTree(r.resolve("data"));
                    Files.writeString(r.resolve("data"), "not a directory");
                }),
                new Hostile("shards too small for one micro-batch", t, "data", "fewer than one micro-batch", r -> {
                    for (int s = 0; s < 4; s++) {
                        Shard.write(r.resolve("data/" + Dataset.shardName(s)), new int[] {1, 2, 3});
                    }
                }));
    }

    // ------------------------------------------------------------------ ways to damage files

    private static void cut(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static void patchBytes(Path file, int at, byte[] bytes) throws IOException {
        byte[] all = Files.readAllBytes(file);
        System.arraycopy(bytes, 0, all, at, bytes.length);
        Files.write(file, all);
    }

    private static void patchLong(Path file, int at, long value) throws IOException {
        patchBytes(file, at, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    private static void patchInt(Path file, int at, int value) throws IOException {
        patchBytes(file, at, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    private static void patchShort(Path file, int at, int value) throws IOException {
        patchBytes(file, at, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
    }

    /** Bytes from a fixed seed: the same garbage every run. */
    private static byte[] garbage(int n) {
        byte[] b = new byte[n];
        new java.util.Random(14).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Replaces the JSON header of a safetensors file, keeping its data. */
    private static void rewriteRaw(Path file, String json) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] data = Arrays.copyOfRange(all, (int) (8 + headerLength(all)), all.length);
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
        Files.write(file, concat(concat(length, header), data));
    }

    private static JsonObject header(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return JsonParser.parseString(new String(all, 8, (int) headerLength(all), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    private static void editHeader(Path file, java.util.function.Consumer<JsonObject> edit) throws IOException {
        JsonObject h = header(file);
        edit.accept(h);
        rewriteRaw(file, h.toString());
    }

    private static String firstKey(JsonObject h) {
        return h.keySet().stream().filter(k -> !k.equals("__metadata__")).findFirst().orElseThrow();
    }

    private static String lastKey(JsonObject h) {
        return h.keySet().stream().filter(k -> !k.equals("__metadata__")).reduce((a, b) -> b).orElseThrow();
    }

    private static void editFirst(Path file, UnaryOperator<JsonObject> edit) throws IOException {
        editHeader(file, h -> h.add(firstKey(h), edit.apply(h.getAsJsonObject(firstKey(h)))));
    }

    private static void editLast(Path file, UnaryOperator<JsonObject> edit) throws IOException {
        editHeader(file, h -> h.add(lastKey(h), edit.apply(h.getAsJsonObject(lastKey(h)))));
    }

    private static void renameFirst(Path file, String name) throws IOException {
        editHeader(file, h -> {
            JsonElement e = h.remove(firstKey(h));
            h.add(name, e);
        });
    }

    private static JsonObject with(JsonObject o, String key, Object value) {
        JsonObject c = o.deepCopy();
        if (value instanceof JsonElement e) {
            c.add(key, e);
        } else {
            c.addProperty(key, value.toString());
        }
        return c;
    }

    private static JsonObject without(JsonObject o, String key) {
        JsonObject c = o.deepCopy();
        c.remove(key);
        return c;
    }

    private static JsonObject shift(JsonObject o, long by) {
        JsonArray offsets = o.getAsJsonArray("data_offsets");
        return with(o, "data_offsets", longs(offsets.get(0).getAsLong() + by, offsets.get(1).getAsLong() + by));
    }

    private static JsonArray ints(int... values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonArray longs(long... values) {
        JsonArray a = new JsonArray();
        for (long v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonArray reversed(JsonArray shape) {
        JsonArray r = new JsonArray();
        for (int i = shape.size() - 1; i >= 0; i--) {
            r.add(shape.get(i));
        }
        return r.size() > 1 && !r.equals(shape) ? r : ints(1, shape.get(0).getAsInt());
    }

    /** Declares one more tensor of 400,000,000 floats after the data; the file grows sparsely (no disk used). */
    private static void addHugeTensor(Path file, String name) throws IOException {
        long dataBytes = Files.size(file) - 8 - headerLength(Files.readAllBytes(file));
        long floats = 400_000_000L;
        editHeader(file, h -> {
            JsonObject e = new JsonObject();
            e.addProperty("dtype", "F32");
            e.add("shape", longs(floats));
            e.add("data_offsets", longs(dataBytes, dataBytes + 4 * floats));
            h.add(name, e);
        });
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() + 4 * floats);
        }
    }

    /** Overwrites the first value of the last tensor with {@code value}. */
    private static void poison(Path file, float value) throws IOException {
        byte[] all = Files.readAllBytes(file);
        JsonObject h = header(file);
        long begin = h.getAsJsonObject(lastKey(h)).getAsJsonArray("data_offsets").get(0).getAsLong();
        patchBytes(file, (int) (8 + headerLength(all) + begin),
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }

    private static void editState(Path root, String regex, String replacement) throws IOException {
        String json = Files.readString(root.resolve(STATE));
        String edited = json.replaceFirst(regex, replacement);
        assertThat(edited).as("trainer.json has %s", regex).isNotEqualTo(json);
        Files.writeString(root.resolve(STATE), edited);
    }

    // ------------------------------------------------------------------ files

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every file and directory under {@code root}, with the SHA-256 of each file's content. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : sha256(p));
            }
        }
        return files;
    }

    /**
     * SHA-256 of a file's size, time and content; of a file over 64 MiB (the sparse ones declaring 1.6 GB) only its
     * first and last MiB are hashed, with its size and modification time.
     */
    private static String sha256(Path file) throws IOException {
        try (var in = java.nio.channels.FileChannel.open(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long size = in.size();
            digest.update((size + "@" + Files.getLastModifiedTime(file).toMillis()).getBytes(StandardCharsets.UTF_8));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long limit = size > (64L << 20) ? 1L << 20 : size;
            for (long start : size > limit ? new long[] {0, size - limit} : new long[] {0}) {
                for (long at = start; at < start + limit; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), start + limit - at));
                    int n = in.read(buf, at);
                    digest.update(buf.flip());
                    at += n;
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
