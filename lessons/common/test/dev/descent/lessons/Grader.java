package dev.descent.lessons;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The grader of the exercises: runs the tests of one or more lesson packages with JUnit's launcher and prints one
 * line per test, {@code ✓ AdamTest.method} or {@code ✗ AdamTest.method: why}, then a summary; exits 0 only when
 * every test passed. {@code ./lesson NN --check} runs it with the learner's exercise/ classes ahead of the
 * solutions on the class path.
 * <pre>Grader [--tag exercise] dev.descent.lessons.adam [more packages]</pre>
 */
public final class Grader {
    /** JUnit tag of the tests that call a lesson's exercise piece; every lesson has at least one. */
    public static final String EXERCISE_TAG = "exercise";

    private Grader() {
    }

    public static void main(String[] args) {
        List<String> packages = Arrays.asList(args);
        String tag = null;
        if (!packages.isEmpty() && packages.get(0).equals("--tag")) {
            tag = packages.get(1);
            packages = packages.subList(2, packages.size());
        }
        if (packages.isEmpty()) {
            System.err.println("usage: Grader [--tag TAG] PACKAGE...  (e.g. dev.descent.lessons.adam)");
            System.exit(2);
        }
        LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request()
                .selectors(packages.stream().map(p -> selectPackage(p)).toList());
        if (tag != null) {
            builder.filters(TagFilter.includeTags(tag));
        }
        LauncherDiscoveryRequest request = builder.build();
        Report report = new Report(System.out);
        LauncherFactory.create().execute(request, report);
        System.out.printf("%d of %d tests pass%s%n", report.passed, report.passed + report.failed,
                report.failed == 0 ? "" : ": not yet (the failures above say what is missing)");
        System.exit(report.failed == 0 && report.passed > 0 ? 0 : 1);
    }

    /** Prints each finished test and counts them. */
    private static final class Report implements TestExecutionListener {
        private final PrintStream out;
        private int passed;
        private int failed;

        Report(PrintStream out) {
            this.out = out;
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            // A test class whose setup (@BeforeAll, a static field) fails runs none of its tests: report the class.
            boolean failedClass = test.isContainer() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL
                    && test.getSource().filter(ClassSource.class::isInstance).isPresent();
            if (!test.isTest() && !failedClass) {
                return;
            }
            String name = failedClass
                    ? ((ClassSource) test.getSource().orElseThrow()).getJavaClass().getSimpleName() + ".<setup>"
                    : test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                            .map(m -> m.getJavaClass().getSimpleName() + "." + m.getMethodName())
                            .orElse(test.getDisplayName());
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                passed++;
                out.println("  ✓ " + name);
            } else {
                failed++;
                out.println("  ✗ " + name + ": " + result.getThrowable().map(Grader::firstLine).orElse("failed"));
            }
        }
    }

    /** The failure in one line: its type and message, white space collapsed, cut at 200 characters. */
    private static String firstLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && !(root instanceof UnsupportedOperationException)) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).strip().replaceAll("\\s+", " ");
        return root.getClass().getSimpleName() + ": " + (message.length() <= 200 ? message
                : message.substring(0, 200) + " …");
    }
}
