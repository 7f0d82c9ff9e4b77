package dev.vggstream.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of the whole process, from {@code /proc/self/status}. TensorFlow allocates its tensors and
 * graph outside the Java heap, so the JVM's own memory meters miss most of what a container's memory limit
 * counts; RSS is what the OOM killer looks at.
 */
public final class ProcessMemory {

    static final String RSS = "process.resident.memory";
    static final String RSS_PEAK = "process.resident.memory.peak";

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Registers the gauges where {@code /proc} exists (Linux); elsewhere there is nothing honest to report. */
    static void bindTo(MeterRegistry registry) {
        bindTo(registry, STATUS);
    }

    static void bindTo(MeterRegistry registry, Path status) {
        if (!Files.isReadable(status)) {
            return;
        }
        Gauge.builder(RSS, () -> read(status, "VmRSS")).baseUnit("bytes")
                .description("Resident set size of the process (VmRSS), native memory included").register(registry);
        Gauge.builder(RSS_PEAK, () -> read(status, "VmHWM")).baseUnit("bytes")
                .description("Peak resident set size of the process (VmHWM)").register(registry);
    }

    /** This process's resident set size now, where {@code /proc} exists; a memory test's measure. */
    public static OptionalLong rssBytes() {
        try {
            return bytes(Files.readString(STATUS, StandardCharsets.US_ASCII), "VmRSS");
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static double read(Path status, String field) {
        try {
            OptionalLong v = bytes(Files.readString(status, StandardCharsets.US_ASCII), field);
            return v.isPresent() ? v.getAsLong() : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** A {@code Field:   1234 kB} line of a status file, in bytes. */
    static OptionalLong bytes(String statusText, String field) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                try {
                    long value = Long.parseLong(parts[0]);
                    // the kernel writes "kB" and means KiB
                    return OptionalLong.of(parts.length > 1 && parts[1].equals("kB") ? value * 1024 : value);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
