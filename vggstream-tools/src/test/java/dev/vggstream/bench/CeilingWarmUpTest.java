package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A ceiling case's warm-up ends when both JIT compilers have been quiet for backlogs in a row, not for one. */
class CeilingWarmUpTest {

    private static final double BUSY = BenchSuite.MAX_WARM_JIT_MS * 5;
    private static final double QUIET = BenchSuite.MAX_WARM_JIT_MS / 5;

    @Test
    void oneQuietBacklogBetweenCompilationWavesDoesNotEndTheWarmUp() throws Exception {
        Deque<StreamBench.Outcome> backlogs = backlogs(List.of(
                jit(BUSY, BUSY), jit(QUIET, QUIET), jit(BUSY, QUIET), jit(QUIET, QUIET), jit(QUIET, QUIET),
                jit(BUSY, BUSY)));

        String warmed = BenchSuite.warmUp(backlogs::removeFirst);

        assertThat(warmed).startsWith("5 backlogs").doesNotContain("not settled");
        assertThat(backlogs).hasSize(1);
    }

    @Test
    void theBrokersCompilerKeepsTheWarmUpGoing() throws Exception {
        Deque<StreamBench.Outcome> backlogs = backlogs(List.of(
                jit(QUIET, BUSY), jit(QUIET, BUSY), jit(QUIET, QUIET), jit(QUIET, QUIET)));

        String warmed = BenchSuite.warmUp(backlogs::removeFirst);

        assertThat(warmed).startsWith("4 backlogs");
        assertThat(backlogs).isEmpty();
    }

    @Test
    void aCompilerThatNeverSettlesStopsTheWarmUpAtItsLimitAndSaysSo() throws Exception {
        int[] calls = {0};

        String warmed = BenchSuite.warmUp(() -> {
            calls[0]++;
            return jit(calls[0] % 2 == 0 ? QUIET : BUSY, QUIET);
        });

        assertThat(calls[0]).isEqualTo(BenchSuite.MAX_WARM_BACKLOGS);
        assertThat(warmed).endsWith("(not settled)");
    }

    private static Deque<StreamBench.Outcome> backlogs(List<StreamBench.Outcome> outcomes) {
        return new ArrayDeque<>(outcomes);
    }

    private static StreamBench.Outcome jit(double processorJitMs, double brokerJitMs) {
        double[] cpu = new double[CpuMeter.PARTS.size()];
        cpu[CpuMeter.JIT] = processorJitMs;
        cpu[CpuMeter.BROKER_JIT] = brokerJitMs;
        return new StreamBench.Outcome("warm-up", 100, 2000, 32, 1, 2, 3, 0, 0, 1, 2000, cpu);
    }
}
