package dev.vggstream.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class CpuMeterTest {

    private static final long MS = 1_000_000L;

    /** Spins until the calling thread has used {@code nanos} more CPU time. */
    private static long burn(long nanos) {
        var mx = ManagementFactory.getThreadMXBean();
        long until = mx.getCurrentThreadCpuTime() + nanos;
        long x = 0;
        while (mx.getCurrentThreadCpuTime() < until) {
            x += System.nanoTime() & 7;
        }
        return x;
    }

    @Test
    void aStreamThreadsCpuCountsAsStreamThreadsAndAsTheProcessors() throws Exception {
        CpuMeter meter = new CpuMeter(ProcessHandle.current().pid());
        long[] before = meter.sample();
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch sampled = new CountDownLatch(1);
        Thread stream = new Thread(() -> {
            burn(250 * MS);
            burnt.countDown();
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "app-1-StreamThread-1");
        stream.start();
        burnt.await();
        long[] after = meter.sample();
        sampled.countDown();
        stream.join();

        assertThat(after[1] - before[1]).isGreaterThanOrEqualTo(250 * MS);
        assertThat(after[CpuMeter.PROCESSOR] - before[CpuMeter.PROCESSOR]).isGreaterThanOrEqualTo(250 * MS);
    }

    @Test
    void theReadingThreadsOwnCpuIsLeftOut() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CpuMeter meter = new CpuMeter(ProcessHandle.current().pid());
        long processBefore = os.getProcessCpuTime();
        long[] before = meter.sample();
        burn(500 * MS);
        long[] after = meter.sample();
        long processAfter = os.getProcessCpuTime();

        // other threads of the test JVM (compiler, collector, parallel tests) may run meanwhile; whatever they use,
        // the processor's share is the whole process's less at least the 500 ms this thread burnt (less the 10 ms
        // tick the process total is counted in, at each end)
        long process = processAfter - processBefore;
        assertThat(after[CpuMeter.PROCESSOR] - before[CpuMeter.PROCESSOR]).isLessThanOrEqualTo(process - 480 * MS);
    }

    @Test
    void theJitCompilerAndCollectorThreadsAreReadFromProc() {
        long[] s = new CpuMeter(ProcessHandle.current().pid()).sample();

        // a JVM that has run tests has compiled methods; the collector may not have run yet
        assertThat(s[CpuMeter.JIT]).isGreaterThan(0);
        assertThat(s[CpuMeter.GC]).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aBrokerThatCannotBeReadIsMinusOne() {
        long[] s = new CpuMeter(Long.MAX_VALUE).sample();

        assertThat(s[CpuMeter.BROKER]).isEqualTo(-1);
        assertThat(s[CpuMeter.BROKER_JIT]).isEqualTo(-1);
    }

    @Test
    void aBrokersJitCompilerThreadsAreReadFromItsProc() {
        // this JVM standing in for the broker: it has compiled methods, and they are part of its total
        long[] s = new CpuMeter(ProcessHandle.current().pid()).sample();

        assertThat(s[CpuMeter.BROKER_JIT]).isGreaterThan(0).isLessThanOrEqualTo(s[CpuMeter.BROKER]);
    }

    @Test
    void aBrokersCpuIsItsProcesssTotal() {
        long[] s = new CpuMeter(ProcessHandle.current().pid()).sample();

        assertThat(s[CpuMeter.BROKER]).isGreaterThan(0);
    }
}
