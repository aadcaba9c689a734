package dev.descent.lessons.tokenizer;

/**
 * Exercise 22: one merge of byte-pair encoding, the step both training and encoding repeat: every occurrence of
 * the pair (a, b) of adjacent tokens becomes the single new token. Scanning left to right, and a token taken into
 * a pair is not looked at again, so "aaa" with the pair (a, a) becomes one new token followed by "a".
 */
final class Merge {
    private Merge() {
    }

    /**
     * Replaces each occurrence of {@code pair} = {a, b} in the first {@code n} entries of {@code ids} by
     * {@code token}, in place (the result is never longer); returns the new length.
     */
    static int apply(int[] ids, int n, int[] pair, int token) {
        int w = 0;
        int r = 0;
        while (r < n) {
            if (r + 1 < n && ids[r] == pair[0] && ids[r + 1] == pair[1]) {
                ids[w++] = token;
                r += 2;
            } else {
                ids[w++] = ids[r++];
            }
        }
        return w;
    }
}
