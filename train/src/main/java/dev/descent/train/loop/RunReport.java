package dev.descent.train.loop;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a finished run leaves behind: {@code loss.png} (train and validation loss) and {@code summary.json}. */
public final class RunReport {
    private RunReport() {
    }

    /**
     * Writes both files into {@code dir}; {@code extra} adds fields (sample text, baselines) to the summary.
     *
     * @param title        the plot's title
     * @param baselineNats the unigram baseline in nats per token, drawn as a line
     * @param bitsPerNat   bits per character of the validation text per nat per token (the plot's right axis)
     */
    public static void write(Path dir, List<StepLog> history, String title, double baselineNats, double bitsPerNat,
                             Map<String, Object> extra) throws IOException {
        Files.createDirectories(dir);
        LossPlot.write(dir.resolve("loss.png"), title, history, baselineNats, bitsPerNat);
        Map<String, Object> summary = new LinkedHashMap<>(extra);
        if (!history.isEmpty()) {
            StepLog last = history.get(history.size() - 1);
            summary.put("steps", last.step() + 1);
            summary.put("finalTrainLoss", last.loss());
            history.stream().filter(s -> s.valLoss() != null).reduce((a, b) -> b).ifPresent(s -> {
                summary.put("finalValLoss", s.valLoss());
                summary.put("finalValBitsPerCharacter", s.valBitsPerCharacter());
            });
            summary.put("meanTokensPerSecond", history.stream().mapToDouble(StepLog::tokensPerSecond).average().orElse(0));
        }
        summary.put("history", history);
        Files.writeString(dir.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(summary),
                StandardCharsets.UTF_8);
    }
}
