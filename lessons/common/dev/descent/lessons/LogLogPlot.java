package dev.descent.lessons;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Markers and lines together on log-log axes, written to PNG: measured points against a fitted power law (a
 * power law y = c·x^k is a straight line of slope k here), or operations against a roofline. {@link Plot} draws
 * either markers or lines; this chart draws both, markers on top.
 * <pre>{@code LogLogPlot.of("Loss vs size", "N", "loss").points("runs", n, loss).line("fit", n, fit).save(path);}</pre>
 */
public final class LogLogPlot {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final XYSeriesCollection points = new XYSeriesCollection();
    private final XYSeriesCollection lines = new XYSeriesCollection();

    private LogLogPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A chart with logarithmic x and y axes, the given title and axis labels. */
    public static LogLogPlot of(String title, String xLabel, String yLabel) {
        return new LogLogPlot(title, xLabel, yLabel);
    }

    /** A series drawn as markers; values that are not positive cannot be placed and are left out. */
    public LogLogPlot points(String name, double[] xs, double[] ys) {
        points.addSeries(series(name, xs, ys));
        return this;
    }

    /** A series drawn as a line; values that are not positive cannot be placed and are left out. */
    public LogLogPlot line(String name, double[] xs, double[] ys) {
        lines.addSeries(series(name, xs, ys));
        return this;
    }

    private static XYSeries series(String name, double[] xs, double[] ys) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("LogLogPlot: series '" + name + "' has " + xs.length + " x values and "
                    + ys.length + " y values");
        }
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] > 0 && ys[i] > 0 && Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                s.add(xs[i], ys[i]);
            }
        }
        return s;
    }

    /** Renders the chart and writes it as a PNG. */
    public Path save(Path png) {
        System.setProperty("java.awt.headless", "true");
        Range xRange = Range.combine(DatasetUtils.findDomainBounds(points), DatasetUtils.findDomainBounds(lines));
        Range yRange = Range.combine(DatasetUtils.findRangeBounds(points), DatasetUtils.findRangeBounds(lines));
        if (xRange == null || yRange == null) {
            throw new IllegalStateException("LogLogPlot '" + title + "': no positive points to draw");
        }
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(axis(xLabel, xRange));
        plot.setRangeAxis(axis(yLabel, yRange));
        // Dataset 0 is drawn last (the default reverse order), so the markers sit on top of the lines.
        plot.setDataset(0, points);
        plot.setRenderer(0, new XYLineAndShapeRenderer(false, true));
        XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer(true, false);
        lineRenderer.setDefaultStroke(new BasicStroke(2f));
        lineRenderer.setAutoPopulateSeriesStroke(false);
        plot.setDataset(1, lines);
        plot.setRenderer(1, lineRenderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write plot " + png, e);
        }
        return png;
    }

    /**
     * A base-10 logarithmic axis labelled with plain numbers. Over a decade or more its ticks sit at round
     * values (1, 2, 3, …, 10, 20, …); over less (losses from 2.2 to 2.8, say) they are evenly spaced in log
     * scale and labelled with at least three significant digits.
     */
    private static ValueAxis axis(String label, Range range) {
        if (range.getUpperBound() / range.getLowerBound() >= 10) {
            LogarithmicAxis axis = new LogarithmicAxis(label);
            axis.setStrictValuesFlag(false);
            return axis;
        }
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(range.getLowerBound())));
        axis.setNumberFormatOverride(new DecimalFormat(decimals == 0 ? "0" : "0." + "0".repeat(decimals),
                DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return axis;
    }
}
