package dev.descent.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every lesson has an exercise, as lessons/README.md ("Exercises") describes: its {@code exercise/} and
 * {@code solution/} folders hold the same files; each stub compiles, declares what its solution declares and
 * throws {@link Exercise#todo}; the README says how to check it; and the lesson's tests tagged "exercise" fail on
 * the stubs, so they really grade the piece (the ordinary build runs the same tests on the solutions).
 */
class ExercisesTest {
    @TempDir
    Path stubs;

    @Test
    void everyLessonHasAnExerciseWithItsSolutionBesideIt() throws IOException {
        for (Path lesson : LessonRun.lessonFolders()) {
            String number = lesson.getFileName().toString().substring(0, 2);
            Set<String> exercise = javaFiles(lesson.resolve("exercise"));
            assertThat(exercise).as("%s/exercise/", lesson.getFileName()).isNotEmpty();
            assertThat(javaFiles(lesson.resolve("solution"))).as("%s/solution/", lesson.getFileName())
                    .isEqualTo(exercise);
            for (String file : exercise) {
                assertThat(Files.readString(lesson.resolve("exercise").resolve(file)))
                        .as("%s/exercise/%s", lesson.getFileName(), file).contains("Exercise.todo(\"" + number + "\"");
            }
            assertThat(Files.readString(lesson.resolve("README.md"))).as("%s/README.md", lesson.getFileName())
                    .contains("**Exercise.**").contains("./lesson " + number + " --check").contains("solution/");
        }
    }

    @Test
    void theStubsCompileMatchTheirSolutionsAndFailTheTestsThatGradeThem() throws Exception {
        List<Path> lessons = LessonRun.lessonFolders();
        List<String> sources = new ArrayList<>();
        for (Path lesson : lessons) {
            for (String file : javaFiles(lesson.resolve("exercise"))) {
                sources.add(lesson.resolve("exercise").resolve(file).toString());
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("-nowarn", "-proc:none", "-encoding", "UTF-8", "-d",
                stubs.toString(), "-cp", System.getProperty("java.class.path")));
        arguments.addAll(sources);
        assertThat(javac.run(null, null, null, arguments.toArray(String[]::new))).as("javac on the stubs").isZero();

        try (URLClassLoader stubLoader = new StubsFirst(stubs)) {
            for (String name : compiledClasses()) {
                assertThat(signature(stubLoader.loadClass(name))).as("the stub of %s", name)
                        .isEqualTo(signature(Class.forName(name)));
            }
        }

        List<String> packages = new ArrayList<>();
        for (Path lesson : lessons) {
            packages.add(LessonRun.mainClass(lesson).replaceAll("\\.Main$", ""));
        }
        List<String> args = new ArrayList<>(List.of("--tag", Grader.EXERCISE_TAG));
        args.addAll(packages);
        Path workDir = Files.createDirectory(stubs.resolve("run"));
        LessonRun.Printed graded = LessonRun.java(Grader.class.getName(), args, stubs + File.pathSeparator,
                workDir, Duration.ofMinutes(5));
        List<String> results = graded.lines().stream().filter(l -> l.startsWith("  ✓") || l.startsWith("  ✗"))
                .toList();
        assertThat(results.stream().filter(l -> l.startsWith("  ✓")).toList()).as("tagged tests that pass on a stub")
                .isEmpty();
        assertThat(results).allSatisfy(l -> assertThat(l).contains("is not written yet"));
        for (Path lesson : lessons) {
            Set<String> testClasses = testClasses(lesson);
            assertThat(results).as("%s: a test tagged \"exercise\" that grades the stub", lesson.getFileName())
                    .anySatisfy(l -> assertThat(testClasses).contains(l.substring(4, l.indexOf('.'))));
        }
    }

    private static Set<String> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> testClasses(Path lesson) throws IOException {
        try (Stream<Path> files = Files.list(lesson)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Test.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length())).collect(Collectors.toSet());
        }
    }

    /** Binary names of the classes javac wrote for the stubs, nested ones included. */
    private List<String> compiledClasses() throws IOException {
        try (Stream<Path> files = Files.walk(stubs)) {
            return files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> stubs.relativize(p).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", ""))
                    .toList();
        }
    }

    /** What other code can see of a class: its non-private constructors, methods and fields. */
    private static Set<String> signature(Class<?> c) {
        Set<String> out = new TreeSet<>();
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (!Modifier.isPrivate(k.getModifiers())) {
                out.add(Modifier.toString(k.getModifiers()) + " new" + Arrays.toString(k.getParameterTypes()));
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (!Modifier.isPrivate(m.getModifiers()) && !m.isSynthetic()) {
                out.add(Modifier.toString(m.getModifiers()) + " " + m.getReturnType().getName() + " " + m.getName()
                        + Arrays.toString(m.getParameterTypes()));
            }
        }
        Arrays.stream(c.getDeclaredFields()).filter(f -> !Modifier.isPrivate(f.getModifiers()) && !f.isSynthetic())
                .forEach(f -> out.add(Modifier.toString(f.getModifiers()) + " " + f.getType().getName() + " "
                        + f.getName()));
        return out;
    }

    /** Loads the compiled stubs from their folder before anything else, everything else as usual. */
    private static final class StubsFirst extends URLClassLoader {
        private final Path dir;

        StubsFirst(Path dir) throws IOException {
            super(new URL[] {dir.toUri().toURL()}, ExercisesTest.class.getClassLoader());
            this.dir = dir;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && Files.exists(dir.resolve(name.replace('.', File.separatorChar) + ".class"))) {
                    c = findClass(name);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }
}
