package dev.descent.train.cli;

import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./descent}: the command line of descent. */
@Command(name = "descent", mixinStandardHelpOptions = true, version = "descent 0.1.0",
        description = "Train and sample GPTs with descent.",
        subcommands = {TrainCommand.class, SampleCommand.class, ImportHfCommand.class, ExportHfCommand.class,
                PrepareDataCommand.class, PlanCommand.class, DoctorCommand.class})
public final class DescentCli {
    public static void main(String[] args) {
        try {
            System.exit(commandLine().execute(args));
        } catch (OutOfMemoryError e) {
            System.err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
            System.exit(1);
        }
    }

    /**
     * The one line for a run the JVM heap cannot hold: how large the heap was and how to make it larger (picocli
     * hands Errors through, so this is the only place that sees one).
     */
    static String outOfMemory(long maxHeapBytes) {
        return String.format("descent: out of memory: the JVM heap of %d MiB cannot hold this run; "
                + "`./descent plan --device cpu` with the same options names the heap it needs, "
                + "and JAVA_TOOL_OPTIONS=-Xmx<size> (e.g. -Xmx8g) gives it", maxHeapBytes >> 20);
    }

    /** The command line, with every failure of a command reported as one line {@code descent: <message>}, exit 1. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DescentCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable shown = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            cmd.getErr().println("descent: " + (shown.getMessage() != null ? shown.getMessage() : shown));
            return 1;
        });
        return cli;
    }
}
