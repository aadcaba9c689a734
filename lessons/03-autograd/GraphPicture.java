package dev.descent.lessons.autograd;

import dev.descent.lessons.Canvas;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A picture of a {@link Value}'s computation graph after backward: one box per value with its operation, its data
 * and its gradient, an arrow from every input to the value computed from it. Inputs stand on the left, the root on
 * the right; a value's column is the longest chain of operations from the inputs to it. An arrow that skips
 * columns passes through a free slot in each (a waypoint), so that no arrow runs behind a box; within a column the
 * slots are sorted by the height of what feeds them, which keeps crossings few.
 */
final class GraphPicture {
    private static final int BOX_WIDTH = 118;
    private static final int BOX_HEIGHT = 54;
    private static final int WAYPOINT_HEIGHT = 18;
    private static final int COLUMN_GAP = 56;
    private static final int ROW_GAP = 18;
    private static final int MARGIN = 30;
    private static final int TITLE_HEIGHT = 40;
    private static final Color LEAF = new Color(0xcfe2f3);
    private static final Color OPERATION = new Color(0xeeeeee);
    private static final Color ROOT = new Color(0xfce5cd);

    /** A place in a column: a value's box, or a waypoint of the arrow from {@code from} to {@code to}. */
    private record Slot(Value value, Value from, Value to) {
        int height() {
            return value != null ? BOX_HEIGHT : WAYPOINT_HEIGHT;
        }
    }

    private GraphPicture() {
    }

    /** Draws the graph behind {@code root}, naming the leaves found in {@code names}, to a PNG. */
    static Path save(Value root, Map<Value, String> names, String title, Path png) {
        List<Value> order = root.topologicalOrder();
        Map<Value, Integer> column = new IdentityHashMap<>();
        for (Value v : order) {
            column.put(v, v.inputs().stream().mapToInt(column::get).max().orElse(-1) + 1);
        }
        int columns = column.get(root) + 1;
        List<List<Slot>> slots = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            slots.add(new ArrayList<>());
        }
        for (Value v : order) {
            slots.get(column.get(v)).add(new Slot(v, null, null));
            for (Value input : v.inputs()) {
                for (int c = column.get(input) + 1; c < column.get(v); c++) {
                    slots.get(c).add(new Slot(null, input, v));
                }
            }
        }
        Map<Slot, Double> centre = new IdentityHashMap<>();
        int tallest = slots.stream().mapToInt(GraphPicture::columnHeight).max().orElse(0);
        for (int c = 0; c < columns; c++) {
            List<Slot> inColumn = slots.get(c);
            List<Slot> before = c == 0 ? List.of() : slots.get(c - 1);
            inColumn.sort(Comparator.comparingDouble(s -> feeders(s, before).stream().mapToDouble(centre::get)
                    .average().orElse(0)));
            double y = TITLE_HEIGHT + MARGIN + (tallest - columnHeight(inColumn)) / 2.0;
            for (Slot s : inColumn) {
                centre.put(s, y + s.height() / 2.0);
                y += s.height() + ROW_GAP;
            }
        }

        int width = 2 * MARGIN + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP;
        int height = TITLE_HEIGHT + 2 * MARGIN + tallest;
        Canvas canvas = new Canvas(width, height);
        Graphics2D g = canvas.graphics();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, MARGIN, MARGIN + 6);
        g.setStroke(new BasicStroke(1.4f));
        for (Value v : order) {
            for (Value input : v.inputs()) {
                arrow(g, path(input, v, column, slots, centre));
            }
        }
        for (int c = 0; c < columns; c++) {
            for (Slot s : slots.get(c)) {
                if (s.value() != null) {
                    box(canvas, s.value(), names, s.value() == root, left(c), centre.get(s) - BOX_HEIGHT / 2.0);
                }
            }
        }
        return canvas.save(png);
    }

    private static int columnHeight(List<Slot> column) {
        return column.stream().mapToInt(Slot::height).sum() + Math.max(0, column.size() - 1) * ROW_GAP;
    }

    private static double left(int column) {
        return MARGIN + column * (BOX_WIDTH + COLUMN_GAP);
    }

    /** The slots of the previous column that an arrow leaves to reach this slot. */
    private static List<Slot> feeders(Slot s, List<Slot> before) {
        List<Slot> out = new ArrayList<>();
        for (Slot b : before) {
            boolean feedsValue = s.value() != null && (b.value() != null && s.value().inputs().contains(b.value())
                    || b.value() == null && b.to() == s.value());
            boolean feedsWaypoint = s.value() == null && (b.value() == s.from()
                    || b.value() == null && b.from() == s.from() && b.to() == s.to());
            if (feedsValue || feedsWaypoint) {
                out.add(b);
            }
        }
        return out;
    }

    /** {first column, then the height the arrow from {@code input} to {@code v} passes in each column}. */
    private static double[] path(Value input, Value v, Map<Value, Integer> column, List<List<Slot>> slots,
                                 Map<Slot, Double> centre) {
        int first = column.get(input);
        int last = column.get(v);
        double[] path = new double[last - first + 2];
        path[0] = first;
        for (int c = first; c <= last; c++) {
            for (Slot s : slots.get(c)) {
                boolean here = c == first ? s.value() == input : c == last ? s.value() == v
                        : s.value() == null && s.from() == input && s.to() == v;
                if (here) {
                    path[c - first + 1] = centre.get(s);
                }
            }
        }
        return path;
    }

    /**
     * Along {@code path} = {first column, height in that column, height in the next, …}: a smooth curve between
     * columns, straight through each waypoint, and an arrowhead at the box it ends on.
     */
    private static void arrow(Graphics2D g, double[] path) {
        int first = (int) path[0];
        Path2D.Double line = new Path2D.Double();
        double x = left(first) + BOX_WIDTH;
        double y = path[1];
        line.moveTo(x, y);
        for (int k = 2; k < path.length; k++) {
            double nextLeft = left(first + k - 1);
            double ny = path[k];
            line.curveTo(x + COLUMN_GAP * 0.5, y, nextLeft - COLUMN_GAP * 0.5, ny, nextLeft, ny);
            x = nextLeft;
            y = ny;
            if (k < path.length - 1) {
                x += BOX_WIDTH;
                line.lineTo(x, y);
            }
        }
        g.setColor(new Color(0x555555));
        g.draw(line);
        Path2D.Double head = new Path2D.Double();
        head.moveTo(x, y);
        head.lineTo(x - 8, y - 4);
        head.lineTo(x - 8, y + 4);
        head.closePath();
        g.fill(head);
    }

    /** The op (or the leaf's name) on top, data and grad below. */
    private static void box(Canvas canvas, Value v, Map<Value, String> names, boolean root, double x, double y) {
        Graphics2D g = canvas.graphics();
        RoundRectangle2D.Double shape = new RoundRectangle2D.Double(x, y, BOX_WIDTH, BOX_HEIGHT, 12, 12);
        g.setColor(root ? ROOT : v.inputs().isEmpty() ? LEAF : OPERATION);
        g.fill(shape);
        g.setColor(new Color(0x444444));
        g.draw(shape);
        String heading = v.inputs().isEmpty() ? names.getOrDefault(v, "constant") : root ? "f = " + v.op() : v.op();
        double middle = x + BOX_WIDTH / 2.0;
        canvas.centred(heading, new Font(Font.SANS_SERIF, Font.BOLD, 14), middle, y + 17);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        canvas.centred(String.format(Locale.ROOT, "data %.4f", v.data()), small, middle, y + 33);
        canvas.centred(String.format(Locale.ROOT, "grad %.4f", v.grad()), small, middle, y + 48);
    }
}
