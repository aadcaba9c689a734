package dev.descent.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link AlignedFloats}: where a cache line starts in an array that starts a G1 region, for each array header the
 * JVM can have, and nothing claimed where the layout is not known.
 */
class AlignedFloatsTest {
    private static final long REGION = 4L << 20;

    @Test
    void aLineStartsAfterTheHeaderReachesTheNext64ByteBoundary() {
        // 16-byte header: elements at region + 16, so element 12 is at region + 64
        assertThat(AlignedFloats.firstAligned(REGION, 16)).isEqualTo(12);
        // compact object headers, 12 bytes: element 13 at region + 64
        assertThat(AlignedFloats.firstAligned(REGION, 12)).isEqualTo(13);
        assertThat(AlignedFloats.firstAligned(REGION, 64)).isZero();
    }

    @Test
    void nothingIsClaimedWithoutG1OrAKnownHeader() {
        assertThat(AlignedFloats.firstAligned(0, 16)).isZero();
        assertThat(AlignedFloats.firstAligned(REGION, 0)).isZero();
        assertThat(AlignedFloats.firstAligned(REGION, 18)).isZero();
    }

    @Test
    void theHeaderFollowsTheClassPointersLayout() {
        assertThat(AlignedFloats.headerBytes(null, "true")).isEqualTo(16);
        assertThat(AlignedFloats.headerBytes("false", "true")).isEqualTo(16);
        assertThat(AlignedFloats.headerBytes("true", "true")).isEqualTo(12);
        assertThat(AlignedFloats.headerBytes(null, "false")).isZero();
        assertThat(AlignedFloats.headerBytes(null, null)).isZero();
    }

    @Test
    void anArrayHoldsTheAskedFloatsFromTheAlignedElementOn() {
        for (int length : new int[] {0, 1, 1000, 3 << 20}) {
            assertThat(AlignedFloats.allocate(length).length).isGreaterThanOrEqualTo(AlignedFloats.FIRST + length);
        }
    }
}
