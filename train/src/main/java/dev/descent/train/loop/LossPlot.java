package dev.descent.train.loop;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.DoubleStream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code loss.png}: train loss per step and validation points in nats per token (left axis) and in bits per
 * character of the validation text (right axis), with the unigram baseline as a dashed line. The y-range is the
 * interesting one: from just below the lowest loss to just above the baseline and every validation point, so
 * the first steps' fall from ln V runs off the top instead of flattening the rest.
 */
public final class LossPlot {
    private static final double PAD = 0.08;

    private LossPlot() {
    }

    /**
     * Draws the plot into {@code png}.
     *
     * @param baselineNats the unigram baseline in nats per token
     * @param bitsPerNat   bits per character of the validation text per nat per token (tokens / characters / ln 2)
     */
    public static void write(Path png, String title, List<StepLog> history, double baselineNats, double bitsPerNat)
            throws IOException {
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
        JFreeChart chart = ChartFactory.createXYLineChart(title, "optimizer step", "cross-entropy (nats per token)",
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesStroke(0, new BasicStroke(1.5f));
        renderer.setSeriesStroke(1, new BasicStroke(2.5f));
        renderer.setSeriesShapesVisible(1, true);
        plot.setRenderer(renderer);
        plot.addRangeMarker(baseline(baselineNats, bitsPerNat));
        if (!history.isEmpty()) {
            double[] range = yRange(history, baselineNats);
            plot.getRangeAxis().setRange(range[0], range[1]);
            if (Double.isFinite(bitsPerNat)) {
                NumberAxis bits = new NumberAxis("bits per character (validation text)");
                bits.setRange(range[0] * bitsPerNat, range[1] * bitsPerNat);
                plot.setRangeAxis(1, bits);
            }
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 540);
    }

    /** [low, high]: the lowest loss and the highest of the baseline and the validation points, padded. */
    static double[] yRange(List<StepLog> history, double baselineNats) {
        double low = DoubleStream.concat(history.stream().mapToDouble(StepLog::loss), validation(history))
                .min().orElse(baselineNats);
        low = Math.min(low, baselineNats);
        double high = DoubleStream.concat(DoubleStream.of(baselineNats), validation(history)).max().orElseThrow();
        double span = Math.max(high - low, 0.1);
        return new double[] {low - PAD * span, high + 2 * PAD * span};
    }

    private static DoubleStream validation(List<StepLog> history) {
        return history.stream().filter(s -> s.valLoss() != null).mapToDouble(StepLog::valLoss);
    }

    private static ValueMarker baseline(double nats, double bitsPerNat) {
        ValueMarker marker = new ValueMarker(nats, Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        String bits = Double.isFinite(bitsPerNat)
                ? String.format(Locale.ROOT, " = %.2f bits per character", nats * bitsPerNat) : "";
        marker.setLabel(String.format(Locale.ROOT, "unigram baseline %.3f nats%s", nats, bits));
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        return marker;
    }
}
