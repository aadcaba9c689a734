package dev.descent.train.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The text that ships inside descent: Moby-Dick (public domain), split into its chapters. */
public final class Corpora {
    private static final String MOBY_DICK = "/dev/descent/train/data/moby-dick.txt";
    private static final Pattern CHAPTER = Pattern.compile("(?m)^(?=CHAPTER \\d+\\.)");
    /** A single line break between two non-blank lines. */
    private static final Pattern LINE_WRAP = Pattern.compile("(?<=\\S)\\n(?=\\S)");

    private Corpora() {
    }

    /**
     * The 135 chapters of Moby-Dick, each a document. The printed line wraps inside paragraphs are joined with
     * spaces (paragraph breaks stay), and curly quotes become straight ones: GPT-2's vocabulary spells ' and "
     * with single tokens, while the curly forms fall apart into byte pieces that a small model samples as broken
     * characters.
     */
    public static List<String> mobyDickChapters() {
        List<String> chapters = new ArrayList<>();
        for (String part : CHAPTER.split(resource(MOBY_DICK))) {
            if (!part.isBlank()) {
                chapters.add(normalise(part.strip()));
            }
        }
        return chapters;
    }

    /** Joins wrapped lines within paragraphs and straightens quotes. */
    static String normalise(String text) {
        return LINE_WRAP.matcher(text.replace("\r\n", "\n")).replaceAll(" ")
                .replace('\u2019', '\'').replace('\u2018', '\'')
                .replace('\u201C', '"').replace('\u201D', '"');
    }

    private static String resource(String name) {
        try (InputStream in = Corpora.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the embedded corpus " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
