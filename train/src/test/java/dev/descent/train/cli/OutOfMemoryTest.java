package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.train.loop.TrainFixtures;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run the JVM heap cannot hold ends with one line that names the heap and how to enlarge it, not a stack trace. */
class OutOfMemoryTest {
    @TempDir
    Path dir;

    @Test
    void aModelLargerThanTheHeapEndsInOneLineNamingTheHeapAndTheFix() throws Exception {
        Path data = TrainFixtures.learnableShards(dir, 32);
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(Cli.tinyRun(data, dir.resolve("run"), "--steps", "3"));
        // width 2048: 12 * 2048^2 = 50M weights in the block, 200 MB of floats, in a 48 MiB heap
        args.set(args.indexOf("--width") + 1, "2048");
        Process child = new ProcessBuilder(ChildDescent.command("48m", args)).start();
        child.getInputStream().transferTo(OutputStream.nullOutputStream());
        // the child runs without the Vector API module (ChildDescent), which its first line of stderr says
        List<String> err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.contains("Vector API")).toList();

        assertThat(child.waitFor()).isEqualTo(1);
        // the JVM reports a little less than -Xmx as its largest heap (one survivor space is not counted)
        assertThat(err).singleElement().asString()
                .matches("descent: out of memory: the JVM heap of 4[0-8] MiB cannot hold this run; .*")
                .contains("./descent plan --device cpu", "JAVA_TOOL_OPTIONS=-Xmx");
    }
}
