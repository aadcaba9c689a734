package dev.descent.lessons;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Matrices of values in [0, 1] drawn side by side as grids of cells, white for 0 and dark blue for 1, with a colour
 * scale: attention weights (row t: how much query t takes from each key s), probabilities.
 * <pre>{@code Heatmap.of("Attention", "query position t", "key position s").panel("head 0", w0).save(path);}</pre>
 */
public final class Heatmap {
    private static final int CELL = 22;
    private static final int MARGIN = 40;
    private static final int AXIS_SPACE = 46;
    private static final int PANEL_GAP = 50;
    private static final int TITLE_HEIGHT = 44;
    private static final int SCALE_WIDTH = 18;
    private static final Color HIGH = new Color(0x08306b);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private record Panel(String name, double[][] values) {
    }

    private final String title;
    private final String rowLabel;
    private final String columnLabel;
    private final List<Panel> panels = new ArrayList<>();

    private Heatmap(String title, String rowLabel, String columnLabel) {
        this.title = title;
        this.rowLabel = rowLabel;
        this.columnLabel = columnLabel;
    }

    /** A heatmap figure; rows run down, columns across, both numbered from 0. */
    public static Heatmap of(String title, String rowLabel, String columnLabel) {
        return new Heatmap(title, rowLabel, columnLabel);
    }

    /** One matrix, values[row][column] in [0, 1]; every panel must have the same shape. */
    public Heatmap panel(String name, double[][] values) {
        if (!panels.isEmpty() && (values.length != panels.get(0).values().length
                || values[0].length != panels.get(0).values()[0].length)) {
            throw new IllegalArgumentException("Heatmap: panel '" + name + "' is " + values.length + " x "
                    + values[0].length + ", the first one " + panels.get(0).values().length + " x "
                    + panels.get(0).values()[0].length);
        }
        for (double[] row : values) {
            for (double v : row) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("Heatmap: panel '" + name + "' has " + v + ", outside [0, 1]");
                }
            }
        }
        panels.add(new Panel(name, values));
        return this;
    }

    /** Renders the panels and the colour scale and writes a PNG. */
    public Path save(Path png) {
        if (panels.isEmpty()) {
            throw new IllegalStateException("Heatmap '" + title + "': no panel to draw");
        }
        int rows = panels.get(0).values().length;
        int columns = panels.get(0).values()[0].length;
        int panelWidth = columns * CELL;
        int width = MARGIN + AXIS_SPACE + panels.size() * (panelWidth + PANEL_GAP) + SCALE_WIDTH + 2 * MARGIN;
        int height = TITLE_HEIGHT + 30 + rows * CELL + AXIS_SPACE + 10;
        Canvas canvas = new Canvas(width, height);
        Graphics2D g = canvas.graphics();
        canvas.centred(title, TITLE_FONT, width / 2.0, 30);
        int top = TITLE_HEIGHT + 30;
        for (int p = 0; p < panels.size(); p++) {
            int left = MARGIN + AXIS_SPACE + p * (panelWidth + PANEL_GAP);
            drawPanel(canvas, panels.get(p), left, top);
        }
        vertical(canvas, rowLabel, MARGIN - 14, top + rows * CELL / 2);
        drawScale(g, MARGIN + AXIS_SPACE + panels.size() * (panelWidth + PANEL_GAP) - PANEL_GAP + 30, top,
                rows * CELL);
        return canvas.save(png);
    }

    private void drawPanel(Canvas canvas, Panel panel, int left, int top) {
        Graphics2D g = canvas.graphics();
        double[][] v = panel.values();
        for (int r = 0; r < v.length; r++) {
            for (int c = 0; c < v[r].length; c++) {
                g.setColor(shade(v[r][c]));
                g.fillRect(left + c * CELL, top + r * CELL, CELL, CELL);
            }
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, v[0].length * CELL, v.length * CELL);
        g.setColor(Color.BLACK);
        canvas.centred(panel.name(), LABEL_FONT, left + v[0].length * CELL / 2.0, top - 10);
        for (int r = 0; r < v.length; r++) {
            right(g, String.valueOf(r), TICK_FONT, left - 5, top + r * CELL + CELL / 2 + 4);
        }
        for (int c = 0; c < v[0].length; c++) {
            canvas.centred(String.valueOf(c), TICK_FONT, left + c * CELL + CELL / 2.0, top + v.length * CELL + 15);
        }
        canvas.centred(columnLabel, LABEL_FONT, left + v[0].length * CELL / 2.0, top + v.length * CELL + 36);
    }

    /** The scale from 0 (bottom) to 1 (top), labelled every 0.25. */
    private static void drawScale(Graphics2D g, int left, int top, int height) {
        for (int y = 0; y < height; y++) {
            g.setColor(shade(1 - y / (double) (height - 1)));
            g.drawLine(left, top + y, left + SCALE_WIDTH, top + y);
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, SCALE_WIDTH, height);
        g.setColor(Color.BLACK);
        for (int k = 0; k <= 4; k++) {
            double value = k / 4.0;
            int y = top + (int) Math.round((1 - value) * height);
            g.setFont(TICK_FONT);
            g.drawString(String.format(Locale.ROOT, "%.2f", value), left + SCALE_WIDTH + 4, y + 4);
        }
    }

    /** White for 0 to {@link #HIGH} for 1. */
    private static Color shade(double v) {
        return new Color(mix(255, HIGH.getRed(), v), mix(255, HIGH.getGreen(), v), mix(255, HIGH.getBlue(), v));
    }

    private static int mix(int low, int high, double v) {
        return (int) Math.round(low + (high - low) * v);
    }

    private static void right(Graphics2D g, String text, Font font, int x, int baseline) {
        g.setFont(font);
        g.drawString(text, x - g.getFontMetrics().stringWidth(text), baseline);
    }

    private static void vertical(Canvas canvas, String text, int x, int centreY) {
        Graphics2D g = canvas.graphics();
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, x, centreY);
        canvas.centred(text, LABEL_FONT, x, centreY);
        g.setTransform(saved);
    }
}
