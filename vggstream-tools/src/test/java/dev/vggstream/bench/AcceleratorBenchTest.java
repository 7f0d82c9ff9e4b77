package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The simulated accelerator driven through the real dispatcher in virtual time. */
class AcceleratorBenchTest {

    static final double A = SimulatedAccelerator.V100_VGG16_A_MS;
    static final double B = SimulatedAccelerator.V100_VGG16_B_MS;

    @Test
    void withImagesAlwaysWaitingThroughputIsWhatTheDeviceLineGivesAtEachBatchSize() {
        assertThat(AcceleratorBench.throughput(A, B, 16, 50, 1600)).isCloseTo(16_000 / (A + 16 * B), within(1.0));
        assertThat(AcceleratorBench.throughput(A, B, 1, 0, 400)).isCloseTo(1_000 / (A + B), within(0.5));
    }

    @Test
    void aLoneImageWaitsMaxWaitThenOneCallOfOne() {
        // one image every 100 s on average: each is alone in its batch, sent when it has waited max-wait
        double[] lat = AcceleratorBench.latency(A, B, 16, 50, 20, 0.01);
        for (double ms : lat) {
            assertThat(ms).isCloseTo(50 + A + B, within(0.2));
        }
    }

    @Test
    void underLoadNoImageFinishesSoonerThanOneCallAndBatchesKeepP99NearMaxWaitPlusTwoBatches() {
        double capacity = 16_000 / (A + 16 * B);
        double[] lat = AcceleratorBench.latency(A, B, 16, 50, 4000, capacity * 0.5);
        assertThat(lat[0]).isGreaterThanOrEqualTo(A + B);
        assertThat(lat[1]).isGreaterThan(lat[0]).isLessThan(50 + 2 * (A + 16 * B) + 20);
    }
}
