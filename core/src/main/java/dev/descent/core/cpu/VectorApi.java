package dev.descent.core.cpu;

/**
 * Whether the JDK's Vector API ({@code jdk.incubator.vector}) is in this JVM's module graph. It is an incubator
 * module, resolved only when the JVM starts with {@code --add-modules jdk.incubator.vector} (as the launchers and
 * the Maven build do); without it the CPU backend runs its plain reference loops and says so once on stderr.
 */
final class VectorApi {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    static {
        if (!AVAILABLE) {
            System.err.println("descent: the JDK's Vector API is not enabled, so CPU kernels run the slow reference"
                    + " loops; start java with --add-modules jdk.incubator.vector");
        }
    }

    private VectorApi() {
    }

    static boolean available() {
        return AVAILABLE;
    }
}
