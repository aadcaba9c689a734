package dev.descent.train.cli;

import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.Settings;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Tokenizers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The preset and the command-line overrides of its settings: one option per {@link Settings#all() setting} a
 * command uses ({@code train} all of them; {@code sample} and {@code plan} {@link #only} theirs).
 */
public final class TrainOptions {
    @Option(names = "--preset", defaultValue = "tiny-cpu", description = "tiny-cpu, gpt2-124m-1070ti or "
            + "gpt2-124m-finetune (default ${DEFAULT-VALUE}).")
    String preset;

    /** The settings given on the command line, by name, in the order given. */
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private final Predicate<Settings.Spec> offered;

    /** Every setting as an option. */
    public TrainOptions() {
        this(s -> true);
    }

    private TrainOptions(Predicate<Settings.Spec> offered) {
        this.offered = offered;
    }

    /** Options for the settings of these groups ({@code "model"}, ..) or with these names ({@code "out"}) only. */
    static TrainOptions only(String... groupsOrSettings) {
        Set<String> names = Set.of(groupsOrSettings);
        return new TrainOptions(s -> names.contains(s.group().getName()) || names.contains(s.name()));
    }

    /** Adds an option for every offered setting to the command this mixes into (picocli calls it while building it). */
    @Spec(Spec.Target.MIXEE)
    void addSettingOptions(CommandSpec command) {
        for (Settings.Spec s : Settings.all()) {
            if (!offered.test(s)) {
                continue;
            }
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

    /** The names of the settings given on the command line. */
    public Set<String> given() {
        return Set.copyOf(overrides.keySet());
    }

    /**
     * Refuses every model option given on the command line that differs from {@code shape}, the shape some weights
     * hold: "--width 32 differs from {@code whose} 16: {@code rule}; drop --width".
     */
    void requireShape(TrainConfig config, GPTConfig shape, String whose, String rule) {
        Map<String, String> held = shape.shapeMetadata();
        for (String name : overrides.keySet()) {
            String value = String.valueOf(config.get(name));
            if (held.containsKey(name) && !held.get(name).equals(value)) {
                String flag = TrainConfig.option(name);
                throw new IllegalArgumentException(flag + " " + value + " differs from " + whose + " " + held.get(name)
                        + ": " + rule + "; drop " + flag);
            }
        }
    }

    /**
     * The preset with every given override applied. A --tokenizer without --vocab or --data brings its own
     * vocabulary size and embedded-data directory.
     */
    public TrainConfig resolve() {
        TrainConfig config = TrainConfig.preset(preset);
        for (Map.Entry<String, Object> o : overrides.entrySet()) {
            config = config.with(o.getKey(), o.getValue());
        }
        if (overrides.containsKey("tokenizer")) {
            String tokenizer = config.run().tokenizer();
            if (!overrides.containsKey("vocab")) {
                config = config.with("vocab", Tokenizers.vocabSize(tokenizer));
            }
            if (!overrides.containsKey("data")) {
                config = config.with("data", TrainConfig.embeddedData(tokenizer));
            }
        }
        return config;
    }
}
