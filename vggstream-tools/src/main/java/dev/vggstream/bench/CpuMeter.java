package dev.vggstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * CPU time spent so far by the processor (this JVM, less the thread that reads results, which is the benchmark's
 * client), split by kind of thread, and by the broker's process. Differences between two samples, divided by the
 * images answered between them, give each part's CPU cost per image: on a machine the broker shares, that is where
 * the ceiling goes.
 */
final class CpuMeter {

    /** What a sample holds, in this order; the processor's total comes first and the broker's last. */
    static final List<String> PARTS = List.of("processor", "stream threads", "inference thread",
            "Kafka clients' own threads", "other Java threads", "JIT compiler", "garbage collector", "broker",
            "broker's JIT compiler");
    static final int PROCESSOR = 0;
    static final int JIT = 5;
    static final int GC = 6;
    static final int BROKER = 7;
    /** Part of the broker's time: a broker started for the benchmark compiles its hot paths as the processor does. */
    static final int BROKER_JIT = 8;
    /** Linux's USER_HZ, the unit of /proc's CPU times. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final long MIN_INTERVAL_NANOS = 100_000_000L;

    private final Optional<ProcessHandle> broker;
    private final com.sun.management.OperatingSystemMXBean os;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long[] last;
    private long lastAt;

    CpuMeter(long brokerPid) {
        this.broker = ProcessHandle.of(brokerPid);
        this.os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }

    /**
     * Nanoseconds per {@link #PARTS}; -1 for the broker when its process cannot be read. Call it from the thread
     * that reads results. Samples are at least 100 ms apart (a closer call returns the previous one): reading every
     * thread's time is not free, and windows are seconds long.
     */
    long[] sample() {
        long now = System.nanoTime();
        if (last != null && now - lastAt < MIN_INTERVAL_NANOS) {
            return last;
        }
        long self = Thread.currentThread().getId();
        long[] s = new long[PARTS.size()];
        s[PROCESSOR] = os.getProcessCpuTime() - threads.getCurrentThreadCpuTime();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null || t.getThreadId() == self) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(t.getThreadId());
            if (cpu > 0) {
                s[part(t.getThreadName())] += cpu;
            }
        }
        compilerAndCollector(Path.of("/proc/self/task"), s, JIT, GC);
        s[BROKER] = broker.flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
        if (broker.isPresent()) {
            compilerAndCollector(Path.of("/proc", Long.toString(broker.get().pid()), "task"), s, BROKER_JIT, -1);
        } else {
            s[BROKER_JIT] = -1;
        }
        last = s;
        lastAt = now;
        return s;
    }

    /**
     * A JVM's own compiler and collector threads (not Java threads), from its /proc tasks, added to parts {@code jit}
     * and {@code gc} (none if -1); both -1 where /proc cannot be read. What remains of the processor's time beyond
     * all parts is other native threads: TensorFlow's pool.
     */
    private static void compilerAndCollector(Path procTasks, long[] s, int jit, int gc) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(procTasks)) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    int part = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? jit
                            : comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? gc : -1;
                    if (part >= 0) {
                        String stat = Files.readString(task.resolve("stat"));
                        // fields after the parenthesised name; utime and stime are the 14th and 15th of the line
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        s[part] += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
                    }
                } catch (FileSystemException e) {
                    // the thread ended between listing and reading (the JVM retires idle compiler threads); an
                    // ended thread's time cannot be read per thread any more, so a window in which one ends shows
                    // its part low: that is better than losing the whole split for the run
                }
            }
        } catch (IOException | RuntimeException e) {
            s[jit] = -1;
            if (gc >= 0) {
                s[gc] = -1;
            }
        }
    }

    private static int part(String threadName) {
        if (threadName.contains("-StreamThread-")) {
            return 1;
        }
        if (threadName.startsWith("vggstream-inference")) {
            return 2;
        }
        return threadName.startsWith("kafka-") ? 3 : 4;
    }
}
