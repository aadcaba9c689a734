package dev.descent.train.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the descent command line in this JVM, as {@code ./descent} does, capturing what it prints. */
final class Cli {
    private Cli() {
    }

    /** One run: the exit status and everything printed to stdout and stderr. */
    record Run(int exitCode, String out, String err) {
    }

    /** {@code ./descent args..} */
    static synchronized Run descent(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            var cli = DescentCli.commandLine();
            cli.setOut(new PrintWriter(o, true));
            cli.setErr(new PrintWriter(e, true));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    /** The options of a tiny run over {@code data} into {@code out}: 1 block of width 16, vocabulary 32. */
    static List<String> tinyRun(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("--vocab", "32", "--context", "16", "--layers", "1", "--heads", "2",
                "--width", "16", "--micro-batch", "4", "--seq-len", "16", "--total-batch", "128", "--lr", "1e-2",
                "--min-lr", "1e-3", "--warmup", "2", "--eval-every", "0", "--eval-batches", "2", "--seed", "5",
                "--data", data.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** The arguments of {@link #train} without {@code --warmup}, so the preset's warmup applies. */
    static String[] trainArgsWithoutWarmup(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--sample-tokens", "4"));
        args.addAll(tinyRun(data, out, more));
        int i = args.indexOf("--warmup");
        args.remove(i + 1);
        args.remove(i);
        return args.toArray(String[]::new);
    }

    /** {@code ./descent train} of the tiny run, with more options. */
    static Run train(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--sample-tokens", "4"));
        args.addAll(tinyRun(data, out, more));
        return descent(args.toArray(String[]::new));
    }
}
