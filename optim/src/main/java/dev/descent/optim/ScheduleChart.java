package dev.descent.optim;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Renders a learning-rate schedule to a PNG line chart (JFreeChart, headless: no display needed). */
public final class ScheduleChart {
    private ScheduleChart() {
    }

    /**
     * Writes {@code lr(t)} for t = 0 .. steps−1 as a {@code width × height} PNG to {@code file}.
     *
     * @param title shown above the plot
     */
    public static void writePng(LrSchedule schedule, long steps, String title, Path file, int width, int height)
            throws IOException {
        if (steps < 1 || width < 1 || height < 1) {
            throw new IllegalArgumentException("ScheduleChart: need steps, width and height >= 1, got " + steps
                    + ", " + width + ", " + height);
        }
        System.setProperty("java.awt.headless", "true");
        XYSeries series = new XYSeries("learning rate");
        for (long t = 0; t < steps; t++) {
            series.add(t, schedule.lr(t));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "step", "learning rate",
                new XYSeriesCollection(series), PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        try (OutputStream out = Files.newOutputStream(file)) {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        }
    }
}
