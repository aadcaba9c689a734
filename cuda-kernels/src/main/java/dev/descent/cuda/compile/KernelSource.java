package dev.descent.cuda.compile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code .cu} file shipped in the jar under {@code /cuda/} together with the headers it includes (by
 * {@code #include "name"}, looked up in the same folder), ready for NVRTC (which takes headers by name) or nvcc
 * (which reads them from a folder).
 */
public record KernelSource(String file, String text, Map<String, String> headers) {
    private static final String ROOT = "/cuda/";
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s+\"([^\"]+)\"", Pattern.MULTILINE);

    /** Reads {@code file} (e.g. {@code matmul.cu}) and, recursively, the headers it includes, from the class path. */
    public static KernelSource load(String file) {
        Map<String, String> headers = new LinkedHashMap<>();
        String text = read(file);
        collectHeaders(text, headers);
        return new KernelSource(file, text, Map.copyOf(headers));
    }

    private static void collectHeaders(String text, Map<String, String> into) {
        Matcher m = INCLUDE.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (!into.containsKey(name)) {
                String header = read(name);
                into.put(name, header);
                collectHeaders(header, into);
            }
        }
    }

    private static String read(String name) {
        try (InputStream in = KernelSource.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalArgumentException("kernel source " + ROOT + name + " is not on the class path "
                        + "(the cuda-kernels jar ships src/main/cuda as resources under /cuda/)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + name, e);
        }
    }

    /**
     * A stable key for a compiled form of this source: SHA-256 over the file name, the source, every header, the
     * macro definitions and the compile target (compiler and architecture), as hex.
     */
    public String hash(List<String> defines, String target) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, file);
            update(sha, text);
            headers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                update(sha, e.getKey());
                update(sha, e.getValue());
            });
            defines.forEach(d -> update(sha, d));
            update(sha, target);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(b);
    }
}
