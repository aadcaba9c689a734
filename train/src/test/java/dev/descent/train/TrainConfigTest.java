package dev.descent.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    /** trainer.json of checkpoints saved before the settings were grouped has exactly these keys. */
    @Test
    void theIdentityHasTheKeysAndValuesCheckpointsRecord() {
        assertThat(TrainConfig.tinyCpu().identity()).containsExactly(Map.entry("vocab", "16384"),
                Map.entry("context", "64"), Map.entry("layers", "4"), Map.entry("heads", "2"), Map.entry("width", "64"),
                Map.entry("dropout", "0.0"), Map.entry("microBatch", "16"), Map.entry("seqLen", "64"),
                Map.entry("totalBatchTokens", "1024"), Map.entry("seed", "1337"));
    }

    @Test
    void aRunOfAnotherLengthWarmsUpOverThePresetsShareOfIt() {
        TrainConfig tiny = TrainConfig.tinyCpu();
        assertThat(tiny.optimization().steps()).isEqualTo(1500);
        assertThat(tiny.optimization().warmupSteps()).isEqualTo(250);
        assertThat(tiny.withWarmupShareOf(tiny)).isSameAs(tiny);
        // round(steps · 250 / 1500), at least 1
        int[][] stepsAndWarmup = {{300, 50}, {3000, 500}, {10, 2}, {2, 1}, {1501, 250}, {1503, 251}};
        for (int[] c : stepsAndWarmup) {
            assertThat(tiny.with("steps", c[0]).withWarmupShareOf(tiny).optimization().warmupSteps())
                    .as("%d steps", c[0]).isEqualTo(c[1]);
        }
        TrainConfig gpt2 = TrainConfig.gpt2On1070Ti();
        // 715 of 19,073 steps: 3.7%
        assertThat(gpt2.with("steps", 100).withWarmupShareOf(gpt2).optimization().warmupSteps()).isEqualTo(4);
    }

    @Test
    void aNamedChangeChangesThatSettingAlone() {
        TrainConfig base = TrainConfig.tinyCpu();
        TrainConfig changed = base.with("width", 128).with("maxLr", 3e-3).with("seed", 7);
        assertThat(changed.model()).isEqualTo(new TrainConfig.Model(16384, 64, 4, 2, 128, 0f));
        assertThat(changed.optimization().maxLr()).isEqualTo(3e-3);
        assertThat(changed.run().seed()).isEqualTo(7L);
        assertThat(changed.batch()).isEqualTo(base.batch());
        assertThat(changed.with("width", 64).with("maxLr", 6e-3).with("seed", 1337)).isEqualTo(base);
        assertThat(base.differencesFrom(changed.identity()))
                .containsExactly("width (checkpoint 128, now 64)", "seed (checkpoint 7, now 1337)");
    }

    @Test
    void theLabelNamesThePresetOnlyWhileTheModelHasItsShape() {
        TrainConfig tiny = TrainConfig.tinyCpu();
        assertThat(tiny.with("steps", 10).with("dropout", 0.1f).label()).isEqualTo("tiny-cpu");
        assertThat(tiny.with("layers", 12).with("width", 768).with("heads", 12).with("vocab", 50304).label())
                .isEqualTo("a GPT of 12 blocks, width 768, 12 heads, vocabulary 50304 (shape options over preset tiny-cpu)");
    }

    @Test
    void aWrongNameOrTypeIsRefusedNamingIt() {
        TrainConfig c = TrainConfig.tinyCpu();
        assertThatThrownBy(() -> c.with("widht", 32)).hasMessageStartingWith("unknown setting 'widht'; settings: vocab, ")
                .hasMessageContaining("maxLr");
        assertThatThrownBy(() -> c.with("steps", 2.5)).hasMessage("setting 'steps' takes int, got 2.5 (Double)");
        assertThatThrownBy(() -> c.with("device", 1)).hasMessage("setting 'device' takes String, got 1 (Integer)");
    }

    @Test
    void everySettingHasAFlagAndHelp() {
        assertThat(Settings.all()).hasSize(27).allSatisfy(s -> assertThat(s.help()).isNotBlank());
        assertThat(Settings.all()).extracting(Settings.Spec::flag).contains("micro-batch", "total-batch", "lr",
                "min-lr", "warmup", "clip", "tokenizer", "vram-limit");
    }
}
