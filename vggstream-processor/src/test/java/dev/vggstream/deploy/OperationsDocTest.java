package dev.vggstream.deploy;

import dev.vggstream.config.ConfigKeys;
import dev.vggstream.metrics.MetricsFixtures;
import dev.vggstream.metrics.MetricsRegistry;
import dev.vggstream.metrics.ScrapedMetrics;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/operations.md describes what the processor really exports and the keys that really exist. */
class OperationsDocTest {

    static final String DOC = DeployFiles.text(Path.of("docs", "operations.md"));

    @Test
    void everyMetricOfTheProcessorsOwnIsDocumented() {
        Set<String> own = new TreeSet<>();
        try (MetricsRegistry m = MetricsFixtures.everyOwnMeter()) {
            for (String name : ScrapedMetrics.parse(m.scrape(null).text()).names()) {
                if (name.startsWith("vggstream_") || name.startsWith("process_resident_")) {
                    // a histogram is documented once, by its base name
                    own.add(name.replaceFirst("_(bucket|count|sum|max)$", ""));
                }
            }
        }
        assertThat(own).hasSizeGreaterThanOrEqualTo(11)
                .allSatisfy(name -> assertThat(DOC).as(name).contains("`" + name + "`"));
    }

    @Test
    void theHttpAndGpuKeysItDescribesExist() {
        for (String key : List.of("http.enabled", "http.host", "http.port", "inference.device",
                "inference.gpu.allow-growth", "inference.gpu.memory-fraction")) {
            assertThat(ConfigKeys.find(key)).as(key).isPresent();
            assertThat(DOC).contains("`" + key + "`");
        }
    }
}
