package dev.descent.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Rng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BytePairTokenizerTest {
    @TempDir
    Path dir;

    private static final List<String> BOOK = Corpora.mobyDickChapters();

    private static List<String> chapters(int from, int to) {
        return BOOK.subList(from, to);
    }

    @Test
    void anyTextRoundTripsIncludingCharactersTheCorpusNeverShowed() {
        BytePairTokenizer bpe = BytePairTokenizer.train(chapters(0, 3), 600);
        Rng rng = new Rng(22);
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder text = new StringBuilder();
            for (int i = rng.nextInt(40); i > 0; i--) {
                int kind = rng.nextInt(4);
                int codePoint = kind == 0 ? 32 + rng.nextInt(95)          // ASCII
                        : kind == 1 ? rng.nextInt(32)                      // control characters
                        : kind == 2 ? 0xA0 + rng.nextInt(0xD7FF - 0xA0)    // the rest of the BMP below surrogates
                        : 0x10000 + rng.nextInt(0x10FFFF - 0x10000);       // supplementary planes (emoji, ..)
                text.appendCodePoint(codePoint);
            }
            String s = text.toString();
            assertThat(bpe.decode(bpe.encode(s))).isEqualTo(s);
        }
        String book = "Call me Ishmael. Über 🐋 鯨 — naïve \"whale\"\n\n\tthe end";
        assertThat(bpe.decode(bpe.encode(book))).isEqualTo(book);
    }

    @Test
    void trainingIsDeterministicAndIndependentOfDocumentOrder() throws IOException {
        List<String> docs = chapters(0, 4);
        List<String> reversed = new ArrayList<>(docs);
        Collections.reverse(reversed);
        BytePairTokenizer.train(docs, 700).save(dir.resolve("a"));
        BytePairTokenizer.train(reversed, 700).save(dir.resolve("b"));
        assertThat(Files.readString(dir.resolve("a").resolve(Tokenizer.FILE)))
                .isEqualTo(Files.readString(dir.resolve("b").resolve(Tokenizer.FILE)));
    }

    /**
     * The incremental trainer against the textbook one: split into pieces, recount every pair of every piece
     * each round, merge the most frequent (ties: smallest pair), replay it everywhere. Same merges, and the
     * tokenizer's encoding of the training text equals the pieces the textbook loop ends with.
     */
    @Test
    void learnsTheSameMergesAsRecountingEverythingEachRound() {
        String text = String.join("\n\n", chapters(0, 2)).substring(0, 12_000);
        int merges = 150;
        List<int[]> pieces = new ArrayList<>();
        Matcher m = Pattern.compile("'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+")
                .matcher(text);
        while (m.find()) {
            byte[] raw = m.group().getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                ids[i] = raw[i] & 0xFF;
            }
            pieces.add(ids);
        }
        BytePairTokenizer bpe = BytePairTokenizer.train(List.of(text), 257 + merges);
        for (int k = 0; k < merges; k++) {
            Map<Long, Integer> counts = new HashMap<>();
            for (int[] ids : pieces) {
                for (int i = 0; i + 1 < ids.length; i++) {
                    counts.merge((long) ids[i] << 32 | ids[i + 1], 1, Integer::sum);
                }
            }
            long best = counts.entrySet().stream().max(Map.Entry.<Long, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(Collections.reverseOrder()))).orElseThrow().getKey();
            int a = (int) (best >>> 32);
            int b = (int) best;
            assertThat(bpe.decode(new int[] {256 + k})).as("merge %d", k)
                    .isEqualTo(bpe.decode(new int[] {a, b}));
            for (int p = 0; p < pieces.size(); p++) {
                pieces.set(p, replaced(pieces.get(p), a, b, 256 + k));
            }
        }
        List<Integer> expected = new ArrayList<>();
        pieces.forEach(ids -> {
            for (int id : ids) {
                expected.add(id);
            }
        });
        assertThat(bpe.encode(text)).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] replaced(int[] ids, int a, int b, int token) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (i + 1 < ids.length && ids[i] == a && ids[i + 1] == b) {
                out.add(token);
                i++;
            } else {
                out.add(ids[i]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void aSavedVocabularyLoadsBackAndEncodesTheSame() throws IOException {
        BytePairTokenizer bpe = BytePairTokenizer.train(chapters(0, 3), 800);
        bpe.save(dir);
        Tokenizer loaded = Tokenizers.recordedIn(dir);
        String text = String.join(" ", chapters(3, 4));
        assertThat(loaded.encode(text)).containsExactly(bpe.encode(text));
        assertThat(loaded.vocabSize()).isEqualTo(800);
        assertThat(loaded.name()).isEqualTo("bpe-800");
    }

    @Test
    void aCorruptVocabularyFileIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve(Tokenizer.FILE);
        Files.writeString(file, "{\"type\": \"byte-pair\", \"merges\": [[300, 1]]}");
        assertThatThrownBy(() -> Tokenizers.recordedIn(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("merge 0");
        Files.writeString(file, "not json");
        assertThatThrownBy(() -> Tokenizers.recordedIn(dir)).hasMessageContaining(file.toString());
    }

    /** On the whole book the vocabulary is worth its size: held-out chapters at over 3 characters per token. */
    @Test
    void aVocabularyOf2048CompressesUnseenChaptersToOverThreeCharactersPerToken() {
        BytePairTokenizer bpe = BytePairTokenizer.train(chapters(13, BOOK.size()), 2048);
        int[] ids = bpe.encode(String.join("\n\n", chapters(0, 13)));
        TextSpan span = TextSpan.of(bpe, ids);
        assertThat(bpe.vocabSize()).isEqualTo(2048);
        assertThat((double) span.characters() / span.tokens()).isGreaterThan(3.0);
        assertThat(bpe.encode(" whale")).hasSize(1);
    }

    @Test
    void endOfTextIsTheLastIdAndNeverComesFromText() {
        BytePairTokenizer bpe = BytePairTokenizer.train(chapters(0, 2), 400);
        assertThat(bpe.endOfText()).isEqualTo(399);
        assertThat(bpe.encodeDocument("Ahoy")[0]).isEqualTo(399);
        assertThat(bpe.encode("<|endoftext|>")).doesNotContain(399);
        assertThat(bpe.decode(new int[] {399})).isEqualTo("<|endoftext|>");
        assertThatThrownBy(() -> bpe.decode(new int[] {400})).hasMessageContaining("400");
    }

    @Test
    void bytesAloneAreACharacterLevelVocabulary() {
        BytePairTokenizer bytes = BytePairTokenizer.bytes();
        assertThat(bytes.vocabSize()).isEqualTo(257);
        assertThat(bytes.encode("Ahab")).containsExactly('A', 'h', 'a', 'b');
        assertThat(bytes.encode("é")).containsExactly(0xC3, 0xA9);
    }

    @Test
    void charactersAreCodePointsWithoutEndOfText() {
        BytePairTokenizer bytes = BytePairTokenizer.bytes();
        assertThat(bytes.characters(bytes.encodeDocument("naïve 🐋"))).isEqualTo(7);
        GptTokenizer gpt2 = new GptTokenizer();
        assertThat(gpt2.characters(gpt2.encodeDocument("naïve 🐋"))).isEqualTo(7);
    }

    @Test
    void vocabularySizesOutsideWhatShardsHoldAreRefused() {
        assertThatThrownBy(() -> BytePairTokenizer.train(List.of("a"), 256)).hasMessageContaining("257 to 65536");
        assertThatThrownBy(() -> Tokenizers.vocabSize("bpe-70000")).hasMessageContaining("bpe-2048");
        assertThatThrownBy(() -> Tokenizers.vocabSize("words")).hasMessageContaining("unknown tokenizer 'words'");
        assertThat(Tokenizers.vocabSize("bpe-1024")).isEqualTo(1024);
        assertThat(Tokenizers.vocabSize("gpt2")).isEqualTo(50257);
        assertThat(Tokenizers.vocabSize("bytes")).isEqualTo(257);
    }
}
