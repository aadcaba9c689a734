package dev.descent.train.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files llm.c's train_gpt2.c reads, checked against the layout its loaders expect. */
class LlmcFilesTest {

    @Test
    void theCheckpointHasLlmcsHeaderAndEveryParameterInItsOrder(@TempDir Path dir) throws IOException {
        GPTConfig config = new GPTConfig(96, 16, 2, 2, 8, 0f, false);
        GPT model = new GPT(config, new Rng(3));
        Path file = dir.resolve("gpt2_124M.bin");
        LlmcFiles.writeCheckpoint(model, file);

        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] header = new int[8];
        buf.asIntBuffer().get(header);
        // magic, version, maxT, V (the model's 96 < 50257), L, NH, C, Vp
        assertThat(header).containsExactly(20240326, 3, 16, 96, 2, 2, 8, 96);
        long c = 8;
        // llm.c's fill_in_parameter_sizes: Vp·C + maxT·C + L·(12C² + 13C) + 2C
        long parameters = 96 * c + 16 * c + 2 * (12 * c * c + 13 * c) + 2 * c;
        assertThat(Files.size(file)).isEqualTo(4 * (256 + parameters));
        assertThat(parameters).isEqualTo(model.parameterCount());

        float[] values = new float[(int) parameters];
        buf.position(4 * 256);
        buf.asFloatBuffer().get(values);
        // wte first; ln1w (L·C, ones) right after wte and wpe; the final LayerNorm's bias (zeros) last
        assertThat(values[0]).isEqualTo(model.namedParameters().get("wte.weight").toArray()[0]);
        int ln1 = (int) (96 * c + 16 * c);
        for (int i = 0; i < 2 * c; i++) {
            assertThat(values[ln1 + i]).isEqualTo(1f);
        }
        // qkvw of block 1 follows qkvw of block 0: (3C, C) each, after ln1w and ln1b
        int qkv = ln1 + (int) (4 * c);
        float[] block1 = model.namedParameters().get("blocks.1.attn.qkv.weight").toArray();
        assertThat(values[qkv + (int) (3 * c * c)]).isEqualTo(block1[0]);
        assertThat(values[values.length - 1]).isZero();
    }

    @Test
    void theTokenizerFileHoldsEveryGpt2TokensBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gpt2_tokenizer.bin");
        LlmcFiles.writeTokenizer(file);

        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buf.getInt(0)).isEqualTo(20240328);
        assertThat(buf.getInt(4)).isEqualTo(2);
        assertThat(buf.getInt(8)).isEqualTo(50257);
        assertThat(buf.getInt(12)).isEqualTo(50256);
        buf.position(4 * 256);
        String[] tokens = new String[50257];
        for (int id = 0; id < tokens.length; id++) {
            byte[] bytes = new byte[Byte.toUnsignedInt(buf.get())];
            buf.get(bytes);
            tokens[id] = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        assertThat(buf.hasRemaining()).isFalse();
        // GPT-2's first token is "!", its 50256th "<|endoftext|>"
        assertThat(tokens[0]).isEqualTo("!");
        assertThat(tokens[50256]).isEqualTo("<|endoftext|>");
    }
}
