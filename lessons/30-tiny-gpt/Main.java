package dev.descent.lessons.tinygpt;

import dev.descent.train.cli.DescentCli;
import java.util.ArrayList;
import java.util.List;

/**
 * Lesson 30, the capstone: train the tiny GPT on Moby-Dick. This is the main job, the same program as
 * {@code ./descent train --preset tiny-cpu}; extra arguments are passed on (e.g. {@code --steps 300}).
 */
public final class Main {
    public static void main(String[] args) {
        List<String> argv = new ArrayList<>(List.of("train", "--preset", "tiny-cpu"));
        argv.addAll(List.of(args));
        DescentCli.main(argv.toArray(new String[0]));
    }
}
