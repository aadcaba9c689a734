package dev.descent.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir
    Path dir;

    @Test
    void tokenizerMatchesGpt2() {
        GptTokenizer tok = new GptTokenizer();
        assertThat(tok.encode("Hello world")).containsExactly(15496, 995);
        assertThat(tok.encodeDocument("Hello world")).containsExactly(50256, 15496, 995);
        assertThat(tok.decode(new int[] {464, 2068, 7586, 21831})).isEqualTo("The quick brown fox");
    }

    @Test
    void writesValidationFirstThenTrainingShardsOfTheGivenSize() throws IOException {
        List<String> docs = Corpora.mobyDickChapters().subList(0, 12);
        long total = Dataset.write(dir, docs, 0.1, 4096, new GptTokenizer());
        Dataset ds = Dataset.open(dir);
        int val = Shard.read(ds.validationShard()).length;
        assertThat(val).isGreaterThanOrEqualTo((int) (0.1 * total));
        long train = 0;
        for (Path p : ds.trainingShards()) {
            int[] t = Shard.read(p);
            train += t.length;
            assertThat(t.length).isLessThanOrEqualTo(4096);
        }
        assertThat(val + train).isEqualTo(total);
        assertThat(Shard.read(ds.validationShard())[0]).isEqualTo(GptTokenizer.END_OF_TEXT);
    }

    @Test
    void embeddedCorpusIsMobyDickInChapters() {
        List<String> chapters = Corpora.mobyDickChapters();
        assertThat(chapters).hasSize(135);
        assertThat(chapters.get(0)).startsWith("CHAPTER 1. Loomings.").contains("Call me Ishmael.");
    }

    @Test
    void wrappedLinesAreJoinedAndCurlyQuotesStraightened() {
        assertThat(Corpora.normalise("\u201CCall me\nIshmael,\u201D he said.\n\nIt\u2019s so."))
                .isEqualTo("\"Call me Ishmael,\" he said.\n\nIt's so.");
    }

    @Test
    void openingAMissingDatasetSaysWhatToRun() {
        assertThatThrownBy(() -> Dataset.open(dir.resolve("nope"))).hasMessageContaining("prepare-data");
    }
}
