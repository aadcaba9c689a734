package dev.descent.optim;

import java.util.List;

/**
 * PyTorch's {@code SequentialLR}: schedule i runs from milestone i−1 (0 for the first), restarted at its own
 * step 0, until milestone i. With milestones m₁ &lt; m₂ &lt; ..., step t uses schedule k (the number of
 * milestones ≤ t) at local step {@code t − m_k}.
 *
 * @param schedules  one more schedule than milestones
 * @param milestones strictly increasing steps ≥ 1 where the next schedule takes over
 */
public record SequentialLr(List<LrSchedule> schedules, List<Long> milestones) implements LrSchedule {
    public SequentialLr {
        schedules = List.copyOf(schedules);
        milestones = List.copyOf(milestones);
        if (schedules.size() != milestones.size() + 1) {
            throw new IllegalArgumentException("SequentialLr: " + schedules.size() + " schedules need "
                    + (schedules.size() - 1) + " milestones, got " + milestones.size());
        }
        long previous = 0;
        for (long m : milestones) {
            if (m <= previous) {
                throw new IllegalArgumentException("SequentialLr: milestones must be increasing and >= 1, got "
                        + milestones);
            }
            previous = m;
        }
    }

    @Override
    public double lr(long step) {
        int k = 0;
        while (k < milestones.size() && milestones.get(k) <= step) {
            k++;
        }
        long start = k == 0 ? 0 : milestones.get(k - 1);
        return schedules.get(k).lr(step - start);
    }
}
