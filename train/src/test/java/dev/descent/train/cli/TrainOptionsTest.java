package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.train.TrainConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainOptionsTest {

    @Test
    void eachSettingIsAnOptionAndOverridesThePreset() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--preset", "gpt2-124m-1070ti", "--width", "384", "--lr", "3e-4",
                "--total-batch", "4096", "--dropout", "0.1", "--out", "runs/x", "--vram-limit", "6g");
        TrainConfig expected = TrainConfig.gpt2On1070Ti().with("width", 384).with("maxLr", 3e-4)
                .with("totalBatchTokens", 4096).with("dropout", 0.1f).with("out", Path.of("runs/x"))
                .with("vramLimit", "6g");
        assertThat(train.options.resolve()).isEqualTo(expected);
    }

    @Test
    void withoutOverridesThePresetIsUnchanged() {
        PlanCommand plan = new PlanCommand();
        new CommandLine(plan).parseArgs();
        assertThat(plan.options.resolve()).isEqualTo(TrainConfig.tinyCpu());
    }
}
