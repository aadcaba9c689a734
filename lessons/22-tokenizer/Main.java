package dev.descent.lessons.tokenizer;

import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.train.data.Corpora;
import dev.descent.train.data.GptTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Lesson 22: a tokenizer. Byte-pair encoding trained from scratch on 50 KB of Moby-Dick, its compression as the
 * merges accumulate, and a comparison with GPT-2's tokenizer (50,000 merges trained on 40 GB of web text).
 */
public final class Main {
    static final int MERGES = 400;
    static final String EXAMPLE = "Ere the English ship fades from sight, be it set down here, that she hailed "
            + "from London—\"the Samuel Enderby.\"";

    private static String mobyDick(int fromChapter, int chars) {
        List<String> chapters = Corpora.mobyDickChapters();
        String text = String.join("\n\n", chapters.subList(fromChapter, chapters.size()));
        return text.substring(0, chars);
    }

    /** The first 50,000 characters of Moby-Dick: what the tokenizer learns from. */
    static String trainingText() {
        return mobyDick(0, 50_000);
    }

    /** 20,000 characters from chapter 101 on, never seen in training: where compression is measured. */
    static String heldOutText() {
        return mobyDick(100, 20_000);
    }

    static BytePairEncoding trained() {
        return BytePairEncoding.train(trainingText(), MERGES);
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Tokens per byte of {@code text} after each number of merges 0..MERGES. */
    static double[] tokensPerByte(BytePairEncoding bpe, String text) {
        int[] lengths = bpe.lengthsAfterEachMerge(text);
        double bytes = utf8Length(text);
        return IntStream.of(lengths).mapToDouble(n -> n / bytes).toArray();
    }

    /** GPT-2's tokens per byte of {@code text}. */
    static double gpt2TokensPerByte(String text) {
        return new GptTokenizer().encode(text).length / (double) utf8Length(text);
    }

    /** The text split into its tokens, shown as token|token|.. */
    static String segmentation(int[] tokens, IntFunction<String> text) {
        return IntStream.of(tokens).mapToObj(text).collect(Collectors.joining("|"));
    }

    private static String quoted(String token) {
        return "'" + token.replace("\n", "\\n") + "'";
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        BytePairEncoding bpe = trained();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String train = trainingText();
        String heldOut = heldOutText();
        System.out.printf(Locale.ROOT, "trained %d merges on %d bytes of Moby-Dick in %.2f s (vocabulary %d)%n",
                bpe.mergeCount(), utf8Length(train), seconds, bpe.vocabSize());
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int[] pair = bpe.merge(i);
            first.add(quoted(bpe.token(pair[0])) + "+" + quoted(bpe.token(pair[1])));
        }
        System.out.println("  first merges: " + String.join("  ", first));
        List<String> longest = IntStream.range(256, bpe.vocabSize()).boxed()
                .sorted(Comparator.comparingInt((Integer id) -> -bpe.token(id).length()).thenComparing(id -> id))
                .limit(10).map(id -> quoted(bpe.token(id))).toList();
        System.out.println("  longest tokens: " + String.join(" ", longest));

        double[] trainTpb = tokensPerByte(bpe, train);
        double[] heldTpb = tokensPerByte(bpe, heldOut);
        double gpt2 = gpt2TokensPerByte(heldOut);
        System.out.println("  merges   tokens/byte (training text)   tokens/byte (held-out chapters)");
        for (int k : new int[] {0, 25, 50, 100, 200, 300, 400}) {
            System.out.printf(Locale.ROOT, "  %6d   %27.3f   %31.3f%n", k, trainTpb[k], heldTpb[k]);
        }
        System.out.printf(Locale.ROOT, "  GPT-2 (r50k_base, %d tokens) on the held-out chapters: %.3f tokens/byte%n",
                GptTokenizer.VOCAB_SIZE, gpt2);

        GptTokenizer gpt2Tokenizer = new GptTokenizer();
        int[] ours = bpe.encode(EXAMPLE);
        int[] theirs = gpt2Tokenizer.encode(EXAMPLE);
        System.out.printf(Locale.ROOT, "example, %d bytes:%n  ours  (%2d tokens) %s%n  GPT-2 (%2d tokens) %s%n",
                utf8Length(EXAMPLE), ours.length, segmentation(ours, bpe::token), theirs.length,
                segmentation(theirs, id -> gpt2Tokenizer.decode(new int[] {id})));
        System.out.println("  round trip: decode(encode(x)) == x: " + bpe.decode(ours).equals(EXAMPLE));

        double[] merges = IntStream.rangeClosed(0, bpe.mergeCount()).asDoubleStream().toArray();
        double[] flat = new double[merges.length];
        Arrays.fill(flat, gpt2);
        Path folder = LessonFolder.of("22-tokenizer");
        Plot.lines("Byte-pair encoding: compression versus merges", "merges", "tokens per byte")
                .series("training text", merges, trainTpb).series("held-out chapters", merges, heldTpb)
                .series("GPT-2 (50,000 merges), held-out", merges, flat).save(folder.resolve("compression.png"));
        System.out.println("wrote compression.png in " + folder);
    }
}
