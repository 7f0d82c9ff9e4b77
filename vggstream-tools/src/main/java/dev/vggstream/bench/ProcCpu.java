package dev.vggstream.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of other processes from /proc: a whole process's user and system time, and a JVM's threads grouped by
 * their names (HotSpot names each native thread after its Java thread, cut to 15 characters). The peer benchmark
 * measures both sides as child processes with it, so neither is measured from inside.
 */
final class ProcCpu {

    /** Linux's USER_HZ, the unit of /proc's CPU times. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /** A child JVM's thread kinds, in report order; "other" is what none of them claims (TensorFlow's pool). */
    static final List<String> JVM_PARTS = List.of("stream threads", "inference thread", "Kafka clients' threads",
            "JIT compiler", "garbage collector", "other threads (TensorFlow's pool, ...)", "decode pool threads");

    private ProcCpu() {
    }

    /** {user, system} nanoseconds of a process; {-1, -1} once it is gone. */
    static long[] userSystem(long pid) {
        try {
            return times(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** utime and stime of a /proc stat line, in nanoseconds: fields 14 and 15, after the parenthesised name. */
    static long[] times(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]) * NANOS_PER_TICK, Long.parseLong(f[12]) * NANOS_PER_TICK};
    }

    /** A JVM's CPU nanoseconds by {@link #JVM_PARTS}, from its threads' names. */
    static Map<String, Long> jvmThreads(long pid) {
        Map<String, Long> parts = new LinkedHashMap<>();
        JVM_PARTS.forEach(p -> parts.put(p, 0L));
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    long[] t = times(stat);
                    parts.merge(kind(name), t[0] + t[1], Long::sum);
                } catch (FileSystemException e) {
                    // the thread ended between listing and reading: its time is no longer readable per thread
                }
            }
        } catch (IOException | RuntimeException e) {
            parts.replaceAll((k, v) -> -1L);
        }
        return parts;
    }

    /**
     * The kind of a JVM thread from its 15-character native name. The peer's processor runs with
     * {@code kafka.client.id=v}, so its stream threads are "v-StreamThread-N".
     */
    static String kind(String name) {
        if (name.contains("StreamThread")) {
            return JVM_PARTS.get(0);
        }
        if (name.startsWith("vggstream-decod")) {
            return JVM_PARTS.get(6);
        }
        if (name.startsWith("vggstream-infer")) {
            return JVM_PARTS.get(1);
        }
        if (name.startsWith("kafka-")) {
            return JVM_PARTS.get(2);
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return JVM_PARTS.get(3);
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return JVM_PARTS.get(4);
        }
        return JVM_PARTS.get(5);
    }
}
