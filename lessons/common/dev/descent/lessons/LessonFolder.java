package dev.descent.lessons;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a lesson's Main writes its pictures: its own folder when run from the repository, else here. */
public final class LessonFolder {
    private LessonFolder() {
    }

    /** {@code lessons/<name>} (or {@code <name>} when run from lessons/), falling back to the working directory. */
    public static Path of(String name) {
        for (Path candidate : new Path[] {Path.of("lessons", name), Path.of(name)}) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Path.of(".");
    }
}
