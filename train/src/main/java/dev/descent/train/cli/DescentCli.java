package dev.descent.train.cli;

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

    /** The command line, with a failing command's exception shown as one line {@code descent: <message>}. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DescentCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("descent: " + e.getMessage());
            return 1;
        });
        return cli;
    }
}
