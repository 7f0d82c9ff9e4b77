package dev.vggstream.batch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSettingsTest {

    @Test
    void readinessWarmsTheLargestBatchFirstThenOneThenThePowersOfTwoBelowIt() {
        assertThat(BatchSettings.of(32, 0).readinessBatchSizes()).containsExactly(32, 1, 2, 4, 8, 16);
        assertThat(BatchSettings.of(12, 0).readinessBatchSizes()).containsExactly(12, 1, 2, 4, 8);
        assertThat(BatchSettings.of(100, 0).readinessBatchSizes()).containsExactly(100, 1, 2, 4, 8, 16, 32, 64);
    }

    @Test
    void aBatchOfOneWarmsOnlyOneSize() {
        assertThat(BatchSettings.of(1, 0).readinessBatchSizes()).containsExactly(1);
        assertThat(BatchSettings.of(2, 0).readinessBatchSizes()).containsExactly(2, 1);
    }

    @Test
    void everyReadinessSizeIsOneTheModelIsCalledWith() {
        for (int max : new int[] {1, 3, 16, 32, 33, 100, 1024}) {
            BatchSettings s = BatchSettings.of(max, 0);
            int[] all = s.modelBatchSizes();
            for (int size : s.readinessBatchSizes()) {
                assertThat(all).as("max %d", max).contains(size);
            }
        }
    }
}
