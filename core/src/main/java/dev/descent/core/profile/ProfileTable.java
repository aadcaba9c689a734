package dev.descent.core.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A profile as text, in the shape of PyTorch's {@code key_averages().table()}: one row per event kind, name and
 * phase, sorted by self time, columns aligned between dashed rules, then the totals; after it, the time and the
 * counters per phase, per micro-step where there were backward passes. Device columns appear when a device clock
 * timed kernels (on the CPU the device time is the host time), counter columns when a counter is not zero.
 */
final class ProfileTable {
    private final Profile profile;
    private final List<ProfileRow> rows;
    private final long wall;
    private final long device;
    private final boolean deviceTimed;

    private record Column(String title, boolean left, Function<ProfileRow, String> cell) {
    }

    ProfileTable(Profile profile) {
        this.profile = profile;
        this.rows = profile.rows();
        this.wall = profile.wallNanos();
        this.device = profile.deviceNanos();
        this.deviceTimed = profile.deviceTimed();
    }

    String format(int maxRows) {
        List<Column> columns = columns();
        List<ProfileRow> ops = rows.stream().filter(r -> r.kind() != EventKind.KERNEL).limit(maxRows).toList();
        List<ProfileRow> kernels = rows.stream().filter(r -> r.kind() == EventKind.KERNEL).limit(maxRows).toList();
        List<List<ProfileRow>> sections = kernels.isEmpty() ? List.of(ops) : List.of(ops, kernels);
        StringBuilder out = new StringBuilder(render(columns, sections));
        out.append(String.format(Locale.ROOT, "Self host time total: %s (the profiled wall time)%n", time(wall)));
        long heap = profile.heapAllocatedBytes();
        if (heap >= 0) {
            out.append(String.format(Locale.ROOT, "Java heap allocated: %s (all threads, while the profile recorded)%n",
                    bytes(heap)));
        }
        if (deviceTimed) {
            out.append(String.format(Locale.ROOT, "Self device time total: %s (the device was busy %.1f%% of the "
                    + "wall time; kernel rows break the ops' self device time down)%n", time(device),
                    percent(device, wall)));
        } else {
            out.append("No device clock: the device time is the host's wall clock, so the device columns are left "
                    + "out.\n");
        }
        out.append('\n').append(phases());
        return out.toString();
    }

    private List<Column> columns() {
        List<Column> c = new ArrayList<>();
        c.add(new Column("Name", true, ProfileRow::name));
        c.add(new Column("Phase", true, ProfileRow::phase));
        c.add(new Column("Self host %", false, r -> pct(r.selfHostNanos(), wall)));
        c.add(new Column("Self host", false, r -> time(r.selfHostNanos())));
        c.add(new Column("Host total", false, r -> time(r.totalHostNanos())));
        c.add(new Column("Host avg", false, r -> time(r.totalHostNanos() / Math.max(1, r.calls()))));
        if (deviceTimed) {
            c.add(new Column("Self device %", false, r -> pct(r.selfDeviceNanos(), device)));
            c.add(new Column("Self device", false, r -> time(r.selfDeviceNanos())));
            c.add(new Column("Device total", false, r -> time(r.totalDeviceNanos())));
            c.add(new Column("Device avg", false, r -> time(r.totalDeviceNanos() / Math.max(1, r.calls()))));
        }
        c.add(new Column("Calls", false, r -> Long.toString(r.calls())));
        for (Counter counter : Counter.values()) {
            if (profile.total(counter) > 0) {
                c.add(new Column(counter.title(), false, r -> r.kind() == EventKind.KERNEL ? ""
                        : count(counter, r.count(counter))));
            }
        }
        return c;
    }

    /** The sections of rows between dashed rules, under one header. */
    private static String render(List<Column> columns, List<List<ProfileRow>> sections) {
        int[] width = new int[columns.size()];
        List<List<String[]>> cells = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            width[i] = columns.get(i).title().length();
        }
        for (List<ProfileRow> section : sections) {
            List<String[]> lines = new ArrayList<>();
            for (ProfileRow r : section) {
                String[] line = new String[columns.size()];
                for (int i = 0; i < line.length; i++) {
                    line[i] = columns.get(i).cell().apply(r);
                    width[i] = Math.max(width[i], line[i].length());
                }
                lines.add(line);
            }
            cells.add(lines);
        }
        String[] titles = columns.stream().map(Column::title).toArray(String[]::new);
        String rule = rule(width);
        StringBuilder out = new StringBuilder(rule).append(line(columns, width, titles)).append(rule);
        for (List<String[]> lines : cells) {
            lines.forEach(l -> out.append(line(columns, width, l)));
            out.append(rule);
        }
        return out.toString();
    }

    private static String rule(int[] width) {
        StringBuilder s = new StringBuilder();
        for (int w : width) {
            s.append("-".repeat(w)).append("  ");
        }
        return s.toString().stripTrailing() + "\n";
    }

    private static String line(List<Column> columns, int[] width, String[] cells) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(width[i] - cells[i].length());
            s.append(columns.get(i).left() ? cells[i] + pad : pad + cells[i]).append("  ");
        }
        return s.toString().stripTrailing() + "\n";
    }

    /** Time and counters per phase (the outside-ops row as its own phase), per micro-step if there were any. */
    private String phases() {
        int micro = profile.microSteps();
        long per = Math.max(1, micro);
        Map<String, long[]> byPhase = new LinkedHashMap<>();
        int counters = Counter.values().length;
        for (ProfileRow r : rows) {
            if (r.kind() == EventKind.KERNEL) {
                continue;
            }
            String phase = r.kind() == EventKind.OUTSIDE ? "outside ops" : r.phase();
            long[] sums = byPhase.computeIfAbsent(phase, p -> new long[2 + counters]);
            sums[0] += r.selfHostNanos();
            sums[1] += r.selfDeviceNanos();
            for (Counter c : Counter.values()) {
                sums[2 + c.ordinal()] += r.count(c);
            }
        }
        List<Column> columns = new ArrayList<>();
        columns.add(new Column("Phase", true, ProfileRow::name));
        columns.add(new Column("Host", false, r -> time(r.selfHostNanos() / per)));
        columns.add(new Column("Host %", false, r -> pct(r.selfHostNanos(), wall)));
        if (deviceTimed) {
            columns.add(new Column("Device", false, r -> time(r.selfDeviceNanos() / per)));
            columns.add(new Column("Device %", false, r -> pct(r.selfDeviceNanos(), device)));
        }
        for (Counter counter : Counter.values()) {
            if (profile.total(counter) > 0) {
                columns.add(new Column(counter.title(), false, r -> perMicroStep(counter, r.count(counter), micro)));
            }
        }
        List<ProfileRow> phaseRows = new ArrayList<>();
        byPhase.forEach((phase, s) -> phaseRows.add(new ProfileRow(EventKind.PHASE, phase, "", 0, s[0], s[0], s[1],
                s[1], s[2], s[3], s[4], s[5], s[6])));
        String title = micro > 0
                ? "By phase, per micro-step (" + micro + " micro-steps: outermost backward passes):\n"
                : "By phase, in total (no backward pass recorded):\n";
        return title + render(columns, List.of(phaseRows));
    }

    private static String perMicroStep(Counter counter, long value, int micro) {
        if (micro == 0) {
            return count(counter, value);
        }
        return counter == Counter.ALLOCATED_BYTES ? bytes(value / micro)
                : String.format(Locale.ROOT, "%.1f", (double) value / micro);
    }

    private static String count(Counter counter, long value) {
        return counter == Counter.ALLOCATED_BYTES ? bytes(value) : Long.toString(value);
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static String pct(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f%%", percent(part, whole));
    }

    /** Nanoseconds as PyTorch prints them: 1.234s, 12.345ms or 123.456us. */
    static String time(long nanos) {
        if (Math.abs(nanos) >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
        }
        if (Math.abs(nanos) >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.3fus", nanos / 1e3);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%.2f KiB", b / 1024.0);
        }
        return b + " B";
    }
}
