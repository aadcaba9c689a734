package dev.descent.lessons.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Byte-pair encoding, trained from scratch. Text starts as its UTF-8 bytes, tokens 0..255, so any string can be
 * encoded and nothing is ever unknown. Training repeatedly finds the most frequent pair of adjacent tokens and
 * replaces it everywhere by a new token, 256, 257, ..; the list of merges, in order, is the tokenizer. Encoding
 * new text replays the merges in the same order; decoding writes out each token's bytes.
 */
final class BytePairEncoding {
    /** {@code merges.get(i) = {a, b}}: token 256 + i stands for token a followed by token b. */
    private final List<int[]> merges;
    /** The bytes each token stands for. */
    private final List<byte[]> vocab;

    private BytePairEncoding(List<int[]> merges) {
        this.merges = List.copyOf(merges);
        this.vocab = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(new byte[] {(byte) b});
        }
        for (int[] pair : merges) {
            byte[] left = vocab.get(pair[0]);
            byte[] right = vocab.get(pair[1]);
            byte[] joined = Arrays.copyOf(left, left.length + right.length);
            System.arraycopy(right, 0, joined, left.length, right.length);
            vocab.add(joined);
        }
    }

    /** Learns {@code numMerges} merges from {@code text}. */
    static BytePairEncoding train(String text, int numMerges) {
        int[] ids = bytes(text);
        int n = ids.length;
        int vocabSize = 256 + numMerges;
        int[] counts = new int[vocabSize * vocabSize];
        List<int[]> merges = new ArrayList<>();
        for (int m = 0; m < numMerges; m++) {
            // count every adjacent pair (a, b) in counts[a·V + b], keeping the most frequent; ties go to the
            // smallest (a, b), so training is deterministic
            int best = 0;
            for (int i = 0; i + 1 < n; i++) {
                int p = ids[i] * vocabSize + ids[i + 1];
                counts[p]++;
                if (counts[p] > counts[best] || (counts[p] == counts[best] && p < best)) {
                    best = p;
                }
            }
            int bestCount = counts[best];
            for (int i = 0; i + 1 < n; i++) {
                counts[ids[i] * vocabSize + ids[i + 1]] = 0;
            }
            if (bestCount < 2) {
                break;
            }
            int[] pair = {best / vocabSize, best % vocabSize};
            merges.add(pair);
            n = Merge.apply(ids, n, pair, 256 + m);
        }
        return new BytePairEncoding(merges);
    }

    private static int[] bytes(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            ids[i] = raw[i] & 0xFF;
        }
        return ids;
    }

    /** The tokens of {@code text}: its bytes, with every merge applied in the order it was learned. */
    int[] encode(String text) {
        return encode(text, merges.size());
    }

    /** The tokens of {@code text} using only the first {@code k} merges. */
    int[] encode(String text, int k) {
        int[] ids = bytes(text);
        int n = ids.length;
        for (int m = 0; m < k; m++) {
            n = Merge.apply(ids, n, merges.get(m), 256 + m);
        }
        return Arrays.copyOf(ids, n);
    }

    /** {@code lengths[k]}: the number of tokens of {@code text} with the first k merges, for k = 0..merges. */
    int[] lengthsAfterEachMerge(String text) {
        int[] ids = bytes(text);
        int[] lengths = new int[merges.size() + 1];
        int n = ids.length;
        lengths[0] = n;
        for (int m = 0; m < merges.size(); m++) {
            n = Merge.apply(ids, n, merges.get(m), 256 + m);
            lengths[m + 1] = n;
        }
        return lengths;
    }

    /** The text the tokens stand for: their bytes, concatenated, read as UTF-8. */
    String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int t : tokens) {
            out.writeBytes(vocab.get(t));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Merge i as {a, b}. */
    int[] merge(int i) {
        return merges.get(i).clone();
    }

    int mergeCount() {
        return merges.size();
    }

    /** 256 byte tokens plus one per merge. */
    int vocabSize() {
        return vocab.size();
    }

    /** The text of one token (a fragment of UTF-8 may print as a replacement character). */
    String token(int id) {
        return new String(vocab.get(id), StandardCharsets.UTF_8);
    }
}
