package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossPlotTest {
    private static StepLog step(int i, double loss, Double val) {
        return new StepLog(i, loss, 1, 1e-3, 10, 100, null, val, val == null ? null : val / 2);
    }

    /** The first steps' fall from ln V runs off the top; the baseline, every validation point and the lows show. */
    @Test
    void theRangeHoldsTheBaselineTheValidationPointsAndTheLowestLossButNotTheStart() {
        List<StepLog> history = new ArrayList<>(List.of(step(0, 7.6, null), step(1, 7.0, null), step(2, 5.9, 6.1),
                step(3, 5.0, null), step(4, 4.5, 4.8)));
        double[] range = LossPlot.yRange(history, 6.4);
        assertThat(range[0]).isBetween(4.0, 4.5);
        assertThat(range[1]).isBetween(6.4, 7.0);
    }

    @Test
    void aRunThatStaysAboveTheBaselineStillShowsIt() {
        double[] range = LossPlot.yRange(List.of(step(0, 7.6, null), step(1, 7.3, 7.25)), 7.15);
        assertThat(range[0]).isLessThan(7.15);
        assertThat(range[1]).isGreaterThan(7.25);
    }
}
