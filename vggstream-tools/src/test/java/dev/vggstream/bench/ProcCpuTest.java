package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcCpuTest {

    @Test
    void userAndSystemTimeAreFields14And15EvenWhenTheNameHasSpacesAndParentheses() {
        String stat = "4242 (v-StreamThr (x) 1) S 1 4242 4242 0 -1 4194624 100 0 0 0 250 17 0 0 20 0 40 0 100 0 0";
        assertThat(ProcCpu.times(stat)).containsExactly(2_500_000_000L, 170_000_000L);
    }

    @Test
    void threadsAreGroupedByTheirShortenedNativeNames() {
        assertThat(ProcCpu.kind("v-StreamThread-")).isEqualTo("stream threads");
        assertThat(ProcCpu.kind("vggstream-infer")).isEqualTo("inference thread");
        assertThat(ProcCpu.kind("vggstream-decod")).isEqualTo("decode pool threads");
        assertThat(ProcCpu.kind("kafka-producer-")).isEqualTo("Kafka clients' threads");
        assertThat(ProcCpu.kind("C2 CompilerThre")).isEqualTo("JIT compiler");
        assertThat(ProcCpu.kind("GC Thread#0")).isEqualTo("garbage collector");
        assertThat(ProcCpu.kind("java")).startsWith("other threads");
    }

    @Test
    void thisProcessHasReadableCpuTime() {
        long[] t = ProcCpu.userSystem(ProcessHandle.current().pid());
        assertThat(t[0]).isPositive();
        assertThat(t[1]).isNotNegative();
        assertThat(ProcCpu.userSystem(Long.MAX_VALUE)).containsExactly(-1, -1);
    }
}
