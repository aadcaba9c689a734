package dev.descent.lessons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogLogPlotTest {
    @TempDir
    Path dir;

    @Test
    void writesAPngWithPointsAndALine() throws IOException {
        double[] n = {1e3, 1e4, 1e5};
        Path png = LogLogPlot.of("power law", "N", "loss")
                .points("measured", n, new double[] {3.0, 2.5, 2.1})
                .line("fit", n, new double[] {3.0, 2.5, 2.08})
                .save(dir.resolve("sub/chart.png"));
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(1000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void refusesSeriesWhoseLengthsDiffer() {
        assertThatThrownBy(() -> LogLogPlot.of("t", "x", "y").points("bad", new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
    }

    @Test
    void refusesAChartWithNothingToDraw() {
        assertThatThrownBy(() -> LogLogPlot.of("empty", "x", "y").save(dir.resolve("empty.png")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
    }
}
