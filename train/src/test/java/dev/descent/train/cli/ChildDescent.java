package dev.descent.train.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code ./descent args..} in a new JVM with this JVM's class path. C1 alone starts fast; it does
 * not turn the Vector API into vector instructions (C2 does), so the child runs without that module and the CPU
 * backend takes its plain loops.
 */
final class ChildDescent {
    private ChildDescent() {
    }

    /** {@code java -Xmx<maxHeap> .. DescentCli args..}, compiled by C1 only (start-up, not speed, matters). */
    static List<String> command(String maxHeap, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx" + maxHeap));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--enable-native-access") || flag.startsWith("-Djava.awt.headless")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), DescentCli.class.getName()));
        command.addAll(args);
        return command;
    }
}
