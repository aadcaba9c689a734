package dev.descent.lessons;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Charts written to PNG with JFreeChart (headless): the pictures of the lessons. Series are drawn as lines, as
 * markers, or as markers with a label at each point; either axis may be logarithmic with decade ticks
 * ({@link DecadeAxis}). Colours are strong ones that print (no yellow), markers differ in shape as well.
 * <pre>{@code
 * Plot.lines("Loss", "step", "loss").series("lr 0.1", ys).logY().save(path);
 * Plot.lines("Loss vs size", "N", "loss").labelled("runs", n, loss, names).series("fit", n, fit).logX().logY()
 * }</pre>
 */
public final class Plot {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;
    /** Distinct colours that print on white, in order: blue, red, green, purple, orange, teal, brown, grey, pink. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x17becf), new Color(0x8c564b), new Color(0x7f7f7f),
        new Color(0xe377c2)};
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /** How a series is drawn. */
    private enum Style {
        LINE, MARKERS
    }

    private record Series(String name, double[] xs, double[] ys, Style style, String[] labels) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;
    private boolean integerX;
    private double[] yRange;
    private boolean logY;
    private boolean markersByDefault;

    private Plot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A chart with the given title and axis labels. */
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

    /** A series drawn as a line (or as markers after {@link #points()}). */
    public Plot series(String name, double[] xs, double[] ys) {
        return add(new Series(name, xs, ys, markersByDefault ? Style.MARKERS : Style.LINE, null));
    }

    /** A series drawn as markers, whatever the chart's default. */
    public Plot markers(String name, double[] xs, double[] ys) {
        return add(new Series(name, xs, ys, Style.MARKERS, null));
    }

    /** A series drawn as markers, each with its label written beside it. */
    public Plot labelled(String name, double[] xs, double[] ys, String[] labels) {
        if (labels.length != xs.length) {
            throw new IllegalArgumentException("Plot: series '" + name + "' has " + xs.length + " points and "
                    + labels.length + " labels");
        }
        return add(new Series(name, xs, ys, Style.MARKERS, labels));
    }

    private Plot add(Series s) {
        if (s.xs().length != s.ys().length) {
            throw new IllegalArgumentException("Plot: series '" + s.name() + "' has " + s.xs().length
                    + " x values and " + s.ys().length + " y values");
        }
        series.add(s);
        return this;
    }

    /** A logarithmic y axis (losses spanning decades, gradient norms). */
    public Plot logY() {
        this.logY = true;
        return this;
    }

    /** A logarithmic x axis (sizes, batch sizes, intensities). */
    public Plot logX() {
        this.logX = true;
        return this;
    }

    /** The y axis from {@code lower} to {@code upper} instead of the range of the data. */
    public Plot yRange(double lower, double upper) {
        this.yRange = new double[] {lower, upper};
        return this;
    }

    /** Ticks only at whole numbers on the x axis (classes, layers, counts). */
    public Plot integerX() {
        this.integerX = true;
        return this;
    }

    /** Draws the series added with {@link #series} as markers instead of lines (scatter plots). */
    public Plot points() {
        this.markersByDefault = true;
        series.replaceAll(s -> s.style() == Style.LINE ? new Series(s.name(), s.xs(), s.ys(), Style.MARKERS, null) : s);
        return this;
    }

    /** Renders the chart and writes it as a PNG. */
    public Path save(Path png) {
        System.setProperty("java.awt.headless", "true");
        JFreeChart chart = chart();
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write plot " + png, e);
        }
        return png;
    }

    private JFreeChart chart() {
        // Markers go in dataset 0, lines in dataset 1: XYPlot draws dataset 0 last, so markers sit on top.
        XYSeriesCollection markers = new XYSeriesCollection();
        XYSeriesCollection lines = new XYSeriesCollection();
        for (Series s : series) {
            (s.style() == Style.MARKERS ? markers : lines).addSeries(xySeries(s));
        }
        if (!hasPoints(markers) && !hasPoints(lines)) {
            throw new IllegalStateException("Plot '" + title + "': no points to draw");
        }
        Map<Integer, boolean[]> labelBelow = new HashMap<>();
        XYLineAndShapeRenderer markerRenderer = new XYLineAndShapeRenderer(false, true) {
            @Override
            public ItemLabelPosition getPositiveItemLabelPosition(int row, int column) {
                boolean below = labelBelow.containsKey(row) && labelBelow.get(row)[column];
                return below ? new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER)
                        : new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER);
            }
        };
        XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer(true, false);
        XYPlot plot = new XYPlot();
        ValueAxis domain = axis(xLabel, logX, false);
        if (domain instanceof NumberAxis numbers) {
            if (integerX) {
                numbers.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            }
            // A margin left of 0 too, so that a label on a point at x = 0 is not cut off.
            numbers.setAutoRangeStickyZero(series.stream().noneMatch(s -> s.labels() != null));
        }
        plot.setDomainAxis(domain);
        ValueAxis range = axis(yLabel, logY, true);
        if (yRange != null) {
            range.setRange(yRange[0], yRange[1]);
        }
        plot.setRangeAxis(range);
        plot.setDataset(0, markers);
        plot.setRenderer(0, markerRenderer);
        plot.setDataset(1, lines);
        plot.setRenderer(1, lineRenderer);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        // The theme sets fonts and resets every series' paint and stroke, so the styling comes after it.
        ChartFactory.getChartTheme().apply(chart);
        int markerIndex = 0;
        int lineIndex = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            boolean asMarkers = s.style() == Style.MARKERS;
            XYLineAndShapeRenderer renderer = asMarkers ? markerRenderer : lineRenderer;
            int index = asMarkers ? markerIndex++ : lineIndex++;
            renderer.setSeriesPaint(index, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(index, new BasicStroke(2f));
            renderer.setSeriesShape(index, shape(i));
            if (s.labels() != null) {
                List<String> kept = keptLabels(s);
                renderer.setSeriesItemLabelGenerator(index, (dataset, row, item) -> kept.get(item));
                renderer.setSeriesItemLabelsVisible(index, true);
                renderer.setSeriesItemLabelFont(index, LABEL_FONT);
                labelBelow.put(index, sides(s));
            }
        }
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainMinorGridlinesVisible(logX);
        plot.setRangeMinorGridlinesVisible(logY);
        plot.setDomainMinorGridlinePaint(new Color(0xe8e8e8));
        plot.setRangeMinorGridlinePaint(new Color(0xe8e8e8));
        return chart;
    }

    /** Points that can be drawn: finite, and positive on a logarithmic axis. */
    private boolean drawable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
    }

    private XYSeries xySeries(Series s) {
        XYSeries out = new XYSeries(s.name(), false, true);
        for (int i = 0; i < s.xs().length; i++) {
            if (drawable(s.xs()[i], s.ys()[i])) {
                out.add(s.xs()[i], s.ys()[i]);
            }
        }
        return out;
    }

    /** The labels of the points {@link #xySeries} keeps, in the same order. */
    private List<String> keptLabels(Series s) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < s.xs().length; i++) {
            if (drawable(s.xs()[i], s.ys()[i])) {
                kept.add(s.labels()[i]);
            }
        }
        return kept;
    }

    /**
     * Which labels go below their point: a label goes on the other side from the previous one when the two points
     * are close (less than a tenth of the series' x span apart, in log scale on a log axis), so that neighbouring
     * labels do not collide; otherwise above.
     */
    private boolean[] sides(Series s) {
        List<Double> xs = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < s.xs().length; i++) {
            if (drawable(s.xs()[i], s.ys()[i])) {
                xs.add(logX ? Math.log(s.xs()[i]) : s.xs()[i]);
                labels.add(s.labels()[i]);
            }
        }
        double span = xs.stream().mapToDouble(Double::doubleValue).max().orElse(0)
                - xs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        boolean[] below = new boolean[xs.size()];
        int previous = -1;
        for (int i = 0; i < below.length; i++) {
            if (!labels.get(i).isEmpty()) {
                boolean close = previous >= 0 && Math.abs(xs.get(i) - xs.get(previous)) < span / 10;
                below[i] = close && !below[previous];
                previous = i;
            }
        }
        return below;
    }

    private static boolean hasPoints(XYSeriesCollection data) {
        for (int i = 0; i < data.getSeriesCount(); i++) {
            if (data.getSeries(i).getItemCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /** A decade axis, or a linear one that (for y, as losses and norms are drawn) reaches down to zero. */
    private static ValueAxis axis(String label, boolean log, boolean includeZero) {
        if (log) {
            return new DecadeAxis(label);
        }
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(includeZero);
        return axis;
    }

    /** Circle, square, triangle, diamond, …: markers that differ in shape, not only in colour. */
    private static Shape shape(int i) {
        double r = 4;
        return switch (i % 4) {
            case 0 -> new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(-r, -r, 2 * r, 2 * r);
            case 2 -> polygon(new double[] {0, r, -r}, new double[] {-r - 1, r, r});
            default -> polygon(new double[] {0, r + 1, 0, -r - 1}, new double[] {-r - 1, 0, r + 1, 0});
        };
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        p.closePath();
        return p;
    }
}
