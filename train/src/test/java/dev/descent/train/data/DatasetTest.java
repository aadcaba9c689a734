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
        GptTokenizer tok = new GptTokenizer();
        long total = Dataset.write(dir, docs, 0.1, 4096, tok);
        Dataset ds = Dataset.open(dir);
        int val = Shard.read(ds.validationShard()).length;
        int validationDocs = Dataset.validationDocuments(docs, 0.1);
        assertThat(val).isEqualTo(docs.subList(0, validationDocs).stream().mapToInt(d -> tok.encodeDocument(d).length).sum());
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
    void aPreparedByteLevelDatasetRecordsItsTokenizerAndReadsBackAsTheDocuments() throws IOException {
        List<String> docs = Corpora.mobyDickChapters().subList(0, 6);
        Tokenizer written = Dataset.prepare(dir, docs, 0.2, 10_000, "bpe-500");
        Dataset ds = Dataset.open(dir);
        Tokenizer read = ds.tokenizer();
        assertThat(read.name()).isEqualTo("bpe-500");
        int validationDocs = Dataset.validationDocuments(docs, 0.2);
        StringBuilder text = new StringBuilder(read.decode(Shard.read(ds.validationShard())));
        for (Path shard : ds.trainingShards()) {
            text.append(read.decode(Shard.read(shard)));
        }
        assertThat(text.toString()).isEqualTo("<|endoftext|>" + String.join("<|endoftext|>", docs));
        assertThat(Shard.read(ds.validationShard())).containsExactly(
                java.util.stream.IntStream.range(0, validationDocs).mapToObj(i -> written.encodeDocument(docs.get(i)))
                        .flatMapToInt(java.util.Arrays::stream).toArray());
    }

    @Test
    void theValidationSplitIsTheFirstDocumentsHoldingTheFractionOfCharacters() {
        List<String> docs = List.of("aaaa", "bb", "cccccccccc", "dddd");
        assertThat(Dataset.validationDocuments(docs, 0.1)).isEqualTo(1);
        assertThat(Dataset.validationDocuments(docs, 0.3)).isEqualTo(2);
        assertThat(Dataset.validationDocuments(docs, 0.99)).isEqualTo(3);
    }

    @Test
    void preparingAgainReplacesTheShardsAndTheTokenizer() throws IOException {
        List<String> docs = Corpora.mobyDickChapters().subList(0, 4);
        Dataset.prepare(dir, docs, 0.1, 1000, "bytes");
        int byteShards = Dataset.open(dir).trainingShards().size();
        Dataset.prepare(dir, docs, 0.1, 1000, "gpt2");
        Dataset ds = Dataset.open(dir);
        assertThat(ds.tokenizer()).isInstanceOf(GptTokenizer.class);
        assertThat(ds.trainingShards().size()).isLessThan(byteShards);
    }

    @Test
    void shardsWithoutATokenizerFileReadAsGpt2AndAreNotCheckedAgainstTheModel() throws IOException {
        Shard.write(dir.resolve(Dataset.shardName(0)), new int[] {1, 2});
        Shard.write(dir.resolve(Dataset.shardName(1)), new int[] {3, 4});
        assertThat(Dataset.open(dir).tokenizer()).isInstanceOf(GptTokenizer.class);
        Tokenizers.requireFits(dir, 8);
    }

    @Test
    void aModelVocabularySmallerThanTheDatasetsTokenizerIsRefusedNamingBoth() throws IOException {
        Dataset.prepare(dir, Corpora.mobyDickChapters().subList(0, 3), 0.1, 1000, "bpe-600");
        assertThatThrownBy(() -> Tokenizers.requireFits(dir, 512))
                .hasMessageContaining("bpe-600").hasMessageContaining("600 ids").hasMessageContaining("512")
                .hasMessageContaining("--vocab 600");
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
