package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A ceiling case reports the median of its measured backlogs, whole: its CPU split belongs to that backlog. */
class CeilingMedianTest {

    @Test
    void theMiddleBacklogByImagesPerSecondIsReportedWhateverTheOrderRun() {
        StreamBench.Outcome slow = outcome("slow", 1782);
        StreamBench.Outcome middle = outcome("middle", 2470);
        StreamBench.Outcome fast = outcome("fast", 2985);

        assertThat(BenchSuite.median(List.of(middle, slow, fast))).isSameAs(middle);
        assertThat(BenchSuite.median(List.of(fast, middle, slow))).isSameAs(middle);
        assertThat(BenchSuite.median(List.of(slow, fast, middle))).isSameAs(middle);
    }

    @Test
    void theRunsListIsLeftInTheOrderRun() {
        List<StreamBench.Outcome> runs = new ArrayList<>(List.of(outcome("b", 2), outcome("a", 1),
                outcome("c", 3)));

        BenchSuite.median(runs);

        assertThat(runs).extracting(StreamBench.Outcome::name).containsExactly("b", "a", "c");
    }

    private static StreamBench.Outcome outcome(String name, double imagesPerSecond) {
        return new StreamBench.Outcome(name, 100, imagesPerSecond, 32, 1, 2, 3, 0, 0, 1, imagesPerSecond,
                new double[CpuMeter.PARTS.size()]);
    }
}
