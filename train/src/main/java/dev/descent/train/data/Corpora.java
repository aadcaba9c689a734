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

    private Corpora() {
    }

    /** The 135 chapters of Moby-Dick, each a document. */
    public static List<String> mobyDickChapters() {
        List<String> chapters = new ArrayList<>();
        for (String part : CHAPTER.split(resource(MOBY_DICK))) {
            if (!part.isBlank()) {
                chapters.add(part.strip());
            }
        }
        return chapters;
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
