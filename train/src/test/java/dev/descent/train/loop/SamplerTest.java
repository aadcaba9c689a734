package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Rng;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void drawsOnlyAmongTheTopK() {
        Rng rng = new Rng(3);
        for (int i = 0; i < 50; i++) {
            assertThat(Sampler.draw(new float[] {0f, 5f, 4.5f, -1f}, 1.0, 2, rng)).isIn(1, 2);
        }
    }

    /** NaN logits (diverged weights) used to fall through every comparison and come out as token 0. */
    @Test
    void nonFiniteLogitsAreRefusedNotTurnedIntoTokenZero() {
        assertThatThrownBy(() -> Sampler.draw(new float[] {Float.NaN, Float.NaN, Float.NaN}, 0.8, 0, new Rng(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not finite")
                .hasMessageContaining("diverged");
        assertThatThrownBy(() -> Sampler.draw(new float[] {1f, Float.POSITIVE_INFINITY}, 0.8, 40, new Rng(1)))
                .hasMessageContaining("not finite");
    }
}
