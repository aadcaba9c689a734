package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {
    @Test
    void findsALibraryOnLdLibraryPathOrInTheLinkerCache(@TempDir Path dir) throws Exception {
        Path lib = Files.createFile(dir.resolve("libnvrtc.so.12"));
        assertThat(NativeLibraries.find("libnvrtc.so.12", Map.of("LD_LIBRARY_PATH", "/nowhere:" + dir), ""))
                .contains(lib);
        String listing = "12 libs found in cache `/etc/ld.so.cache'\n"
                + "\tlibnvrtc.so.12 (libc6,x86-64) => " + lib + "\n";
        assertThat(NativeLibraries.find("libnvrtc.so.12", Map.of(), listing)).contains(lib);
        assertThat(NativeLibraries.find("libcublas.so.12", Map.of("LD_LIBRARY_PATH", dir.toString()), listing)
                .filter(p -> p.startsWith(dir))).isEmpty();
    }

    @Test
    void aLoadFailureBoilsDownToTheDynamicLinkersMessage() {
        UnsatisfiedLinkError jcudaStyle = new UnsatisfiedLinkError("Error while loading native library "
                + "\"JCudaDriver-12.6.0-linux-x86_64\"\nOperating system name: Linux\nStack trace from the attempt "
                + "to load the library as a resource:\njava.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-"
                + "linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory\n\tat "
                + "java.base/jdk.internal.loader.NativeLibraries.load(Native Method)");
        assertThat(NativeLibraries.why(jcudaStyle))
                .isEqualTo("libcuda.so.1: cannot open shared object file: No such file or directory");
        assertThat(NativeLibraries.why(new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver")))
                .isEqualTo("NoClassDefFoundError: Could not initialize class jcuda.driver.JCudaDriver");
    }
}
