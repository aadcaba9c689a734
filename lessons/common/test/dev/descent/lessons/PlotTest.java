package dev.descent.lessons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.lessons.DecadeAxis.Tick;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
    @TempDir
    Path dir;

    @Test
    void writesAPngWithLinesLabelledPointsAndLogAxes() throws IOException {
        double[] n = {1e3, 1e4, 1e5};
        Path png = Plot.lines("power law", "N", "loss")
                .labelled("measured", n, new double[] {3.0, 2.5, 2.1}, new String[] {"a", "b", "c"})
                .series("fit", n, new double[] {3.0, 2.5, 2.08})
                .logX().logY()
                .save(dir.resolve("sub/chart.png"));
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(1000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void refusesSeriesWhoseLengthsDiffer() {
        assertThatThrownBy(() -> Plot.lines("t", "x", "y").series("bad", new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
        assertThatThrownBy(() -> Plot.lines("t", "x", "y").labelled("few", new double[] {1, 2}, new double[] {1, 2},
                new String[] {"a"})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("few");
    }

    @Test
    void refusesAChartWithNothingToDraw() {
        assertThatThrownBy(() -> Plot.lines("empty", "x", "y").save(dir.resolve("empty.png")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
        // On a log axis, values that are not positive cannot be placed.
        assertThatThrownBy(() -> Plot.lines("negative", "x", "y").series("s", new double[] {1}, new double[] {-1})
                .logY().save(dir.resolve("negative.png"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void overDecadesTheLabelsAreThePowersOfTenAndTheMinorTicksTwoToNineTimesThem() {
        List<Tick> ticks = DecadeAxis.ticks(0.005, 30);
        assertThat(labels(ticks)).containsExactly("0.01", "0.1", "1", "10");
        assertThat(ticks.stream().filter(t -> !t.major()).map(Tick::value).toList())
                .contains(0.005, 0.02, 0.3, 2.0, 9.0, 20.0, 30.0).doesNotContain(40.0);
        // Far from 1 the powers are written with a superscript exponent.
        assertThat(labels(DecadeAxis.ticks(1e-8, 1e-6))).containsExactly("10⁻⁸", "10⁻⁷", "10⁻⁶");
        assertThat(DecadeAxis.label(2e8)).isEqualTo("2×10⁸");
        assertThat(DecadeAxis.label(10_000)).isEqualTo("10,000");
    }

    @Test
    void manyDecadesAreLabelledEverySecondOrThirdOne() {
        List<String> labels = labels(DecadeAxis.ticks(1e-17, 10));
        assertThat(labels).hasSizeLessThanOrEqualTo(10).contains("10⁻¹⁵", "1").doesNotContain("10⁻¹⁶");
    }

    @Test
    void aNarrowRangeIsLabelledWithRoundNumbersInsideIt() {
        assertThat(labels(DecadeAxis.ticks(2, 8))).containsExactly("2", "3", "4", "5", "6", "7", "8");
        assertThat(labels(DecadeAxis.ticks(0.5, 20))).containsExactly("0.5", "1", "2", "5", "10", "20");
        assertThat(labels(DecadeAxis.ticks(2.15, 2.8))).containsExactly("2.2", "2.3", "2.4", "2.5", "2.6", "2.7",
                "2.8");
    }

    private static List<String> labels(List<Tick> ticks) {
        return ticks.stream().filter(Tick::major).map(Tick::label).toList();
    }
}
