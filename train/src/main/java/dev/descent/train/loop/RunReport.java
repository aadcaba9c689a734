package dev.descent.train.loop;

import com.google.gson.GsonBuilder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** What a finished run leaves behind: {@code loss.png} (train and validation loss) and {@code summary.json}. */
public final class RunReport {
    private RunReport() {
    }

    /** Writes both files into {@code dir}; {@code extra} adds fields (sample text, baselines) to the summary. */
    public static void write(Path dir, List<StepLog> history, Map<String, Object> extra) throws IOException {
        Files.createDirectories(dir);
        writePlot(dir.resolve("loss.png"), history);
        Map<String, Object> summary = new LinkedHashMap<>(extra);
        if (!history.isEmpty()) {
            StepLog last = history.get(history.size() - 1);
            summary.put("steps", last.step() + 1);
            summary.put("finalTrainLoss", last.loss());
            history.stream().filter(s -> s.valLoss() != null).reduce((a, b) -> b)
                    .ifPresent(s -> summary.put("finalValLoss", s.valLoss()));
            summary.put("meanTokensPerSecond", history.stream().mapToDouble(StepLog::tokensPerSecond).average().orElse(0));
        }
        summary.put("history", history);
        Files.writeString(dir.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(summary),
                StandardCharsets.UTF_8);
    }

    private static void writePlot(Path png, List<StepLog> history) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries train = new XYSeries("train loss");
        XYSeries val = new XYSeries("validation loss");
        for (StepLog s : history) {
            train.add(s.step(), s.loss());
            if (s.valLoss() != null) {
                val.add(s.step(), s.valLoss());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(train);
        data.addSeries(val);
        JFreeChart chart = ChartFactory.createXYLineChart("Loss", "optimizer step", "cross-entropy (nats)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesStroke(1, new BasicStroke(2f));
        renderer.setSeriesShapesVisible(1, true);
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 800, 500);
    }
}
