package dev.vggstream.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AugmentAndScheduleTest {

    @Test
    void aShiftMovesThePixelsAndFillsTheUncoveredBorderWithBlack() {
        int side = 4;
        byte[] src = new byte[side * side * 3];
        for (int i = 0; i < side * side; i++) {
            src[i * 3] = (byte) (i + 1);
        }
        byte[] dst = new byte[src.length];

        Augment.shift(src, dst, side, 1, 2, false);

        // dst(x, y) = src(x + 1, y + 2)
        assertThat(dst[(0 * side + 0) * 3]).isEqualTo(src[(2 * side + 1) * 3]);
        assertThat(dst[(1 * side + 2) * 3]).isEqualTo(src[(3 * side + 3) * 3]);
        assertThat(dst[(1 * side + 3) * 3]).isZero();
        assertThat(dst[(2 * side + 0) * 3]).isZero();
    }

    @Test
    void aMirrorSwapsLeftAndRight() {
        int side = 3;
        byte[] src = new byte[side * side * 3];
        for (int i = 0; i < side * side; i++) {
            src[i * 3 + 1] = (byte) (10 * i);
        }
        byte[] dst = new byte[src.length];

        Augment.shift(src, dst, side, 0, 0, true);

        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                assertThat(dst[(y * side + x) * 3 + 1]).isEqualTo(src[(y * side + side - 1 - x) * 3 + 1]);
            }
        }
    }

    @Test
    void theCosineScheduleWarmsUpLinearlyPeaksThenFallsToZeroAtTheLastStep() {
        TrainConfig c = TrainFixtures.config(0.1, 10, 32, 0.1f, false, 0.5f);

        assertThat(c.learningRateAt(0, 100, 10)).isCloseTo(0.01, within(1e-7));
        assertThat(c.learningRateAt(9, 100, 10)).isCloseTo(0.1, within(1e-7));
        assertThat(c.learningRateAt(10, 100, 10)).isCloseTo(0.1, within(1e-7));
        assertThat(c.learningRateAt(54, 100, 10)).isCloseTo(0.05, within(1e-3));
        assertThat(c.learningRateAt(99, 100, 10)).isCloseTo(0, within(1e-9));
    }
}
