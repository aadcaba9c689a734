package dev.descent.lessons.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Rng;
import dev.descent.train.data.GptTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    static BytePairEncoding bpe;

    @BeforeAll
    static void train() {
        bpe = Main.trained();
    }

    /** A string of {@code length} code points drawn from ASCII, Latin-1, Greek, CJK and emoji. */
    private static String randomText(Rng rng, int length) {
        int[][] ranges = {{0x20, 0x7E}, {0xA0, 0xFF}, {0x391, 0x3C9}, {0x4E00, 0x4E80}, {0x1F600, 0x1F64F}, {'\n', '\n'}};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int[] r = ranges[rng.nextInt(ranges.length)];
            sb.appendCodePoint(r[0] + rng.nextInt(r[1] - r[0] + 1));
        }
        return sb.toString();
    }

    @Tag("exercise")
    @Test
    void bpeRoundTripsAnyText() {
        Rng rng = new Rng(22);
        for (int i = 0; i < 200; i++) {
            String text = randomText(rng, rng.nextInt(40));
            assertThat(bpe.decode(bpe.encode(text))).isEqualTo(text);
        }
        String heldOut = Main.heldOutText();
        assertThat(bpe.decode(bpe.encode(heldOut))).isEqualTo(heldOut);
    }

    @Tag("exercise")
    @Test
    void theFirstMergeIsTheMostFrequentPairOfBytes() {
        byte[] bytes = Main.trainingText().getBytes(StandardCharsets.UTF_8);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i + 1 < bytes.length; i++) {
            counts.merge((bytes[i] & 0xFF) * 256 + (bytes[i + 1] & 0xFF), 1, Integer::sum);
        }
        int top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(bpe.merge(0)).containsExactly(top / 256, top % 256);
        assertThat(bpe.token(256)).isEqualTo("e ");
    }

    @Tag("exercise")
    @Test
    void moreMergesCompressBetter() {
        int[] train = bpe.lengthsAfterEachMerge(Main.trainingText());
        int[] heldOut = bpe.lengthsAfterEachMerge(Main.heldOutText());
        for (int k = 1; k < train.length; k++) {
            // On the training text every merge removes at least two tokens (it was chosen for occurring twice).
            assertThat(train[k]).isLessThanOrEqualTo(train[k - 1] - 2);
            assertThat(heldOut[k]).isLessThanOrEqualTo(heldOut[k - 1]);
        }
        assertThat(heldOut[Main.MERGES]).isLessThan((int) (0.5 * heldOut[0]));
        assertThat(bpe.encode(Main.heldOutText())).hasSize(heldOut[Main.MERGES]);
    }

    @Test
    void gpt2CompressesMobyDickBetterThanBytes() {
        String heldOut = Main.heldOutText();
        double gpt2 = Main.gpt2TokensPerByte(heldOut);
        double ours = Main.tokensPerByte(bpe, heldOut)[Main.MERGES];
        assertThat(gpt2).isLessThan(0.3);
        assertThat(gpt2).isLessThan(ours);
        GptTokenizer tokenizer = new GptTokenizer();
        assertThat(tokenizer.decode(tokenizer.encode(heldOut))).isEqualTo(heldOut);
    }
}
