package dev.descent.train.data;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-pair vocabulary trained on a corpus (lesson 22 builds the teaching version). Text is first split into
 * pieces by GPT-2's pattern (a word with its leading space, a run of digits, of punctuation, of white space), so
 * no token spans two words; each piece starts as its UTF-8 bytes, tokens 0..255, so any text can be encoded and
 * nothing is ever unknown. Training repeatedly merges the most frequent adjacent pair (ties: the smallest pair
 * of ids) into a new token 256, 257, ..; the last id is {@code <|endoftext|>}. Encoding applies, within each
 * piece, the earliest-learned merge first until none applies, which replays training's merges in order.
 *
 * <p>Training counts each distinct piece once with its frequency and, after a merge, recounts only the pieces
 * that contained the merged pair, so a vocabulary of thousands of tokens learns from a whole book in seconds.
 */
public final class BytePairTokenizer implements Tokenizer {
    /** GPT-2's pre-tokenization pattern. */
    private static final Pattern PIECES = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final String TYPE = "byte-pair";
    private static final byte[] END_OF_TEXT = "<|endoftext|>".getBytes(StandardCharsets.UTF_8);

    /** {@code merges[i] = {a, b}}: token 256 + i stands for token a followed by token b. */
    private final int[][] merges;
    /** The bytes each token other than end-of-text stands for. */
    private final byte[][] bytes;
    /** Pair key (a, b) -> the index of its merge, which is also its priority when encoding. */
    private final Map<Long, Integer> rank = new HashMap<>();

    private BytePairTokenizer(int[][] merges) {
        this.merges = merges;
        this.bytes = new byte[256 + merges.length][];
        for (int b = 0; b < 256; b++) {
            bytes[b] = new byte[] {(byte) b};
        }
        for (int i = 0; i < merges.length; i++) {
            int a = merges[i][0];
            int b = merges[i][1];
            if (a < 0 || b < 0 || a >= 256 + i || b >= 256 + i) {
                throw new IllegalArgumentException("merge " + i + " joins tokens " + a + " and " + b
                        + ", but only tokens below " + (256 + i) + " exist at that point");
            }
            bytes[256 + i] = concat(bytes[a], bytes[b]);
            rank.put(key(a, b), i);
        }
    }

    /**
     * Learns a vocabulary of {@code vocabSize} tokens (256 bytes, {@code vocabSize − 257} merges and the
     * end-of-text token) from {@code documents}. Fewer merges are learned when no pair occurs twice any more.
     */
    public static BytePairTokenizer train(List<String> documents, int vocabSize) {
        if (vocabSize < 257 || vocabSize > 1 << 16) {
            throw new IllegalArgumentException("a byte-pair vocabulary needs 257 to 65536 tokens (256 bytes, the "
                    + "merges and end-of-text; shards store uint16 ids), got " + vocabSize);
        }
        return new BytePairTokenizer(new MergeLearner(documents).learn(vocabSize - 257));
    }

    /** Bytes alone, no merges: 257 tokens, a character-level model for English text. */
    public static BytePairTokenizer bytes() {
        return new BytePairTokenizer(new int[0][]);
    }

    /** Reads a vocabulary that {@link #save} wrote ({@link #json}); the error names the file and what is wrong with it. */
    public static BytePairTokenizer load(Path file) throws IOException {
        Saved saved;
        try {
            saved = new Gson().fromJson(Files.readString(file, StandardCharsets.UTF_8), Saved.class);
        } catch (JsonParseException e) {
            throw new IOException("tokenizer " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (saved == null || !TYPE.equals(saved.type) || saved.merges == null) {
            throw new IOException("tokenizer " + file + " is not a byte-pair vocabulary (expected \"type\": \""
                    + TYPE + "\" and a list of merges)");
        }
        try {
            return new BytePairTokenizer(saved.merges);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("tokenizer " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public String json() {
        Saved saved = new Saved();
        saved.type = TYPE;
        saved.vocabSize = vocabSize();
        saved.pattern = PIECES.pattern();
        saved.merges = merges;
        return new Gson().toJson(saved);
    }

    @Override
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            for (int id : encodePiece(m.group())) {
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One piece: its bytes, then repeatedly the adjacent pair with the earliest merge, until none has one. */
    private int[] encodePiece(String piece) {
        byte[] raw = piece.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            ids[i] = raw[i] & 0xFF;
        }
        int n = ids.length;
        while (n > 1) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < n; i++) {
                Integer r = rank.get(key(ids[i], ids[i + 1]));
                if (r != null && r < best) {
                    best = r;
                }
            }
            if (best == Integer.MAX_VALUE) {
                break;
            }
            n = merge(ids, n, merges[best][0], merges[best][1], 256 + best);
        }
        return Arrays.copyOf(ids, n);
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(bytes(id));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] bytes(int id) {
        if (id == endOfText()) {
            return END_OF_TEXT.clone();
        }
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside this " + vocabSize() + "-token vocabulary");
        }
        return bytes[id].clone();
    }

    @Override
    public int vocabSize() {
        return bytes.length + 1;
    }

    @Override
    public int endOfText() {
        return bytes.length;
    }

    @Override
    public String name() {
        return "bpe-" + vocabSize();
    }

    /** The text of one token (a token ending inside a UTF-8 character prints a replacement character). */
    public String token(int id) {
        return decode(new int[] {id});
    }

    /**
     * Replaces each occurrence of (a, b), scanning left to right, by {@code token}, in place in the first
     * {@code n} entries of {@code ids}; returns the new length.
     */
    private static int merge(int[] ids, int n, int a, int b, int token) {
        int w = 0;
        int r = 0;
        while (r < n) {
            if (r + 1 < n && ids[r] == a && ids[r + 1] == b) {
                ids[w++] = token;
                r += 2;
            } else {
                ids[w++] = ids[r++];
            }
        }
        return w;
    }

    /** The pair (a, b) as one number; ordering keys orders pairs by a, then b. */
    private static long key(int a, int b) {
        return (long) a << 32 | b;
    }

    private static byte[] concat(byte[] left, byte[] right) {
        byte[] joined = Arrays.copyOf(left, left.length + right.length);
        System.arraycopy(right, 0, joined, left.length, right.length);
        return joined;
    }

    /** The JSON form of a vocabulary. */
    private static final class Saved {
        String type;
        int vocabSize;
        String pattern;
        int[][] merges;
    }

    /**
     * The merge loop over distinct pieces: each piece's tokens and frequency, the count of every adjacent pair
     * weighted by frequency, which pieces hold each pair, and a max-heap of (count, pair) whose stale entries
     * (the count changed since) are skipped when they surface.
     */
    private static final class MergeLearner {
        private final List<int[]> pieces = new ArrayList<>();
        private final List<Integer> frequencies = new ArrayList<>();
        private final Map<Long, Long> counts = new HashMap<>();
        private final Map<Long, Set<Integer>> holders = new HashMap<>();
        /** Entries {count, key}: the largest count first, then the smallest pair. */
        private final PriorityQueue<long[]> heap = new PriorityQueue<>(
                (x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));

        MergeLearner(List<String> documents) {
            Map<String, Integer> distinct = new HashMap<>();
            for (String doc : documents) {
                Matcher m = PIECES.matcher(doc);
                while (m.find()) {
                    distinct.merge(m.group(), 1, Integer::sum);
                }
            }
            distinct.forEach((piece, frequency) -> {
                byte[] raw = piece.getBytes(StandardCharsets.UTF_8);
                int[] ids = new int[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    ids[i] = raw[i] & 0xFF;
                }
                pieces.add(ids);
                frequencies.add(frequency);
                addPairs(pieces.size() - 1, +1);
            });
            counts.forEach((pair, count) -> heap.add(new long[] {count, pair}));
        }

        int[][] learn(int numMerges) {
            List<int[]> learned = new ArrayList<>();
            while (learned.size() < numMerges) {
                long[] top = heap.poll();
                if (top == null || top[0] < 2) {
                    break;
                }
                if (counts.getOrDefault(top[1], 0L) != top[0]) {
                    continue;
                }
                int a = (int) (top[1] >>> 32);
                int b = (int) top[1];
                int token = 256 + learned.size();
                learned.add(new int[] {a, b});
                Set<Long> changed = new HashSet<>();
                for (int p : holders.remove(top[1])) {
                    int[] ids = pieces.get(p);
                    changed.addAll(addPairs(p, -1));
                    pieces.set(p, Arrays.copyOf(ids, merge(ids, ids.length, a, b, token)));
                    changed.addAll(addPairs(p, +1));
                }
                for (long pair : changed) {
                    long count = counts.getOrDefault(pair, 0L);
                    if (count > 0) {
                        heap.add(new long[] {count, pair});
                    }
                }
            }
            return learned.toArray(new int[0][]);
        }

        /** Adds (sign +1) or removes (−1) piece p's adjacent pairs, times its frequency; returns the pairs. */
        private List<Long> addPairs(int p, int sign) {
            int[] ids = pieces.get(p);
            long weight = (long) sign * frequencies.get(p);
            List<Long> pairs = new ArrayList<>(ids.length);
            for (int i = 0; i + 1 < ids.length; i++) {
                long pair = key(ids[i], ids[i + 1]);
                pairs.add(pair);
                long count = counts.merge(pair, weight, Long::sum);
                if (count == 0) {
                    counts.remove(pair);
                }
                if (sign > 0) {
                    holders.computeIfAbsent(pair, k -> new HashSet<>()).add(p);
                }
            }
            return pairs;
        }
    }
}
