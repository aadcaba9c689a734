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
        System.exit(commandLine().execute(args));
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
