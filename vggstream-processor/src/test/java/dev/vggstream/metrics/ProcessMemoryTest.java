package dev.vggstream.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessMemoryTest {

    static final String STATUS = """
            Name:\tjava
            VmPeak:\t 9000000 kB
            VmHWM:\t  812345 kB
            VmRSS:\t  654321 kB
            Threads:\t42
            """;

    @Test
    void readsKilobyteFieldsAsBytes() {
        assertThat(ProcessMemory.bytes(STATUS, "VmRSS")).hasValue(654_321L * 1024);
        assertThat(ProcessMemory.bytes(STATUS, "VmHWM")).hasValue(812_345L * 1024);
    }

    @Test
    void missingOrMalformedFieldIsEmpty() {
        assertThat(ProcessMemory.bytes(STATUS, "VmSwap")).isEqualTo(OptionalLong.empty());
        assertThat(ProcessMemory.bytes("VmRSS:\tlots kB\n", "VmRSS")).isEmpty();
        // a field name that is only a prefix of another must not match it
        assertThat(ProcessMemory.bytes("VmRSSx:\t1 kB\n", "VmRSS")).isEmpty();
    }

    @Test
    void gaugesReadTheStatusFileAtEachScrape(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, STATUS);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProcessMemory.bindTo(registry, status);
        assertThat(registry.get(ProcessMemory.RSS).gauge().value()).isEqualTo(654_321.0 * 1024);
        Files.writeString(status, "VmRSS:\t1 kB\nVmHWM:\t2 kB\n");
        assertThat(registry.get(ProcessMemory.RSS).gauge().value()).isEqualTo(1024.0);
        assertThat(registry.get(ProcessMemory.RSS_PEAK).gauge().value()).isEqualTo(2048.0);
    }

    @Test
    void noGaugesWithoutAStatusFile(@TempDir Path dir) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProcessMemory.bindTo(registry, dir.resolve("missing"));
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thisProcessHasAResidentSetAndItsPeakIsNoSmaller() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProcessMemory.bindTo(registry);
        double rss = registry.get(ProcessMemory.RSS).gauge().value();
        assertThat(rss).isGreaterThan(0);
        assertThat(registry.get(ProcessMemory.RSS_PEAK).gauge().value()).isGreaterThanOrEqualTo(rss);
    }
}
