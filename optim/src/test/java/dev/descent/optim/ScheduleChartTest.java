package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleChartTest {
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void writesAPngOfTheRequestedSize(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lr.png");
        ScheduleChart.writePng(LrSchedule.warmupCosine(6e-4, 6e-5, 715, 19073), 20000, "warmup + cosine", file,
                800, 300);
        byte[] png = Files.readAllBytes(file);
        assertThat(png).startsWith(PNG_SIGNATURE);
        assertThat(new String(png, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        ByteBuffer size = ByteBuffer.wrap(png, 16, 8);
        assertThat(size.getInt()).as("width").isEqualTo(800);
        assertThat(size.getInt()).as("height").isEqualTo(300);
        assertThat(png.length).isBetween(2_000, 200_000);
    }
}
