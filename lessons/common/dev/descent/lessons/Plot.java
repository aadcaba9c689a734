package dev.descent.lessons;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts written to PNG with JFreeChart (headless): the pictures of the lessons.
 * <pre>{@code Plot.lines("Loss", "step", "loss").series("lr 0.1", ys).logY().save(path);}</pre>
 */
public final class Plot {
    private static final int WIDTH = 800;
    /** Distinct, print-friendly colours (no pale yellow), reused in order. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x17becf), new Color(0x8c564b), new Color(0x7f7f7f)};
    private static final int HEIGHT = 500;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, double[][]> series = new LinkedHashMap<>();
    private boolean logY;
    private boolean points;

    private Plot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A line chart with the given title and axis labels. */
    public static Plot lines(String title, String xLabel, String yLabel) {
        return new Plot(title, xLabel, yLabel);
    }

    /** A series whose x values are 0, 1, 2, .. (steps). */
    public Plot series(String name, double[] ys) {
        double[] xs = new double[ys.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
        }
        return series(name, xs, ys);
    }

    public Plot series(String name, double[] xs, double[] ys) {
        series.put(name, new double[][] {xs, ys});
        return this;
    }

    /** A logarithmic y axis (losses spanning decades, gradient norms). */
    public Plot logY() {
        this.logY = true;
        return this;
    }

    /** Draws markers instead of lines (scatter plots). */
    public Plot points() {
        this.points = true;
        return this;
    }

    /** Renders the chart and writes it as a PNG. */
    public Path save(Path png) {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, xy) -> {
            XYSeries s = new XYSeries(name, false, true);
            for (int i = 0; i < xy[0].length; i++) {
                if (Double.isFinite(xy[1][i]) && (!logY || xy[1][i] > 0)) {
                    s.add(xy[0][i], xy[1][i]);
                }
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(!points, points);
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        plot.setRenderer(renderer);
        if (logY) {
            plot.setRangeAxis(new LogAxis(yLabel));
        }
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write plot " + png, e);
        }
        return png;
    }
}
