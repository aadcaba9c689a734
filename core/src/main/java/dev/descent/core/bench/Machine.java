package dev.descent.core.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a benchmark prints about where it ran: the CPU, its cores, the JVM, and the load average. */
final class Machine {
    private Machine() {
    }

    /** "cpu: model, n cores; jdk: vm version". */
    static String describe() throws IOException {
        String model = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            model = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(model);
        }
        return String.format(Locale.ROOT, "cpu: %s, %d cores; jdk: %s %s", model,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), Runtime.version());
    }

    /** The 1, 5 and 15-minute load averages (and run queue) from /proc/loadavg, or "unknown". */
    static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.isReadable(loadavg) ? Files.readString(loadavg).trim() : "unknown";
    }

    /** CPU nanoseconds the live threads of this JVM have run so far, or −1 where the JVM does not count them. */
    static long cpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            sum += Math.max(0, threads.getThreadCpuTime(id));
        }
        return sum;
    }
}
