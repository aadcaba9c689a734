package dev.descent.train.cli;

import dev.descent.train.Settings;
import dev.descent.train.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The preset and the command-line overrides of its settings: one option per {@link Settings#all() setting}. */
public final class TrainOptions {
    @Option(names = "--preset", defaultValue = "tiny-cpu", description = "tiny-cpu or gpt2-124m-1070ti (default ${DEFAULT-VALUE}).")
    String preset;

    /** The settings given on the command line, by name, in the order given. */
    private final Map<String, Object> overrides = new LinkedHashMap<>();

    /** Adds an option for every setting to the command this mixes into (picocli calls it while building it). */
    @Spec(Spec.Target.MIXEE)
    void addSettingOptions(CommandSpec command) {
        for (Settings.Spec s : Settings.all()) {
            ISetter store = new ISetter() {
                @Override
                public <T> T set(T value) {
                    overrides.put(s.name(), value);
                    return null;
                }
            };
            command.addOption(OptionSpec.builder("--" + s.flag()).type(Settings.boxed(s.type()))
                    .paramLabel("<" + s.name() + ">").description(s.help()).hasInitialValue(false).setter(store)
                    .build());
        }
    }

    /** The preset with every given override applied. */
    public TrainConfig resolve() {
        TrainConfig config = TrainConfig.preset(preset);
        for (Map.Entry<String, Object> o : overrides.entrySet()) {
            config = config.with(o.getKey(), o.getValue());
        }
        return config;
    }
}
