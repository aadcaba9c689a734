package dev.descent.lessons.autoregressivemodels;

import dev.descent.train.data.Corpora;
import java.util.Arrays;
import java.util.List;

/**
 * Moby-Dick as a sequence of character ids. The vocabulary is the book's own alphabet (letters, digits,
 * punctuation, newline, curly quotes, ...), each character an id in sorted order.
 */
final class CharText {
    private static final String BOOK = String.join("\n\n", Corpora.mobyDickChapters());
    private static final char[] ALPHABET = alphabet();

    private CharText() {
    }

    private static char[] alphabet() {
        return BOOK.chars().distinct().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString().toCharArray();
    }

    static int vocabSize() {
        return ALPHABET.length;
    }

    /** {@code chars} characters from the start of chapter {@code chapter} (0-based) on, as ids. */
    static int[] ids(int chapter, int chars) {
        List<String> chapters = Corpora.mobyDickChapters();
        String text = String.join("\n\n", chapters.subList(chapter, chapters.size())).substring(0, chars);
        return encode(text);
    }

    static int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Arrays.binarySearch(ALPHABET, text.charAt(i));
        }
        return ids;
    }

    static String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(ALPHABET[id]);
        }
        return sb.toString();
    }
}
