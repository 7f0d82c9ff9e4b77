package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.metrics.MetricsFixtures;
import dev.vggstream.metrics.MetricsRegistry;
import dev.vggstream.metrics.ScrapedMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard reads only metrics the processor exports. Here against a registry with every meter
 * created and the Kafka Streams metrics of a built (not started) instance; MetricsEndpointIT checks the same names
 * against a running processor's /metrics.
 */
class DashboardTest {

    @Test
    void everyQueriedMetricIsExported(@TempDir Path stateDir) {
        KafkaStreams streams = MetricsFixtures.unstartedStreams(stateDir);
        try (MetricsRegistry metrics = MetricsFixtures.everyMeter(streams)) {
            Set<String> exported = ScrapedMetrics.parse(metrics.scrape(null).text()).names();
            assertThat(DeployFiles.queriedMetricNames()).isNotEmpty().isSubsetOf(exported);
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void theDashboardShowsWhatOperatorsAskFor() {
        Set<String> queried = DeployFiles.queriedMetricNames();
        assertThat(queried).contains(
                "vggstream_images_total",                                 // throughput, dead letters
                "vggstream_batch_size_bucket",                            // batch size distribution
                "vggstream_queue_wait_seconds_bucket",                    // latency percentiles
                "vggstream_inference_seconds_bucket",
                "vggstream_end_to_end_seconds_bucket",
                "kafka_consumer_fetch_manager_records_lag_max",           // consumer lag
                "process_resident_memory_bytes",                          // memory, native included
                "jvm_memory_used_bytes",
                "vggstream_model_info");
        List<String> exprs = DeployFiles.dashboardExpressions();
        for (String h : List.of("vggstream_queue_wait_seconds", "vggstream_inference_seconds",
                "vggstream_end_to_end_seconds")) {
            for (String q : List.of("0.5", "0.95", "0.99")) {
                assertThat(exprs).as(h + " p" + q).anyMatch(e -> e.contains("histogram_quantile(" + q + ",")
                        && e.contains(h + "_bucket"));
            }
        }
        assertThat(exprs).anyMatch(e -> e.contains("outcome=\"dead_lettered\"") && e.contains("by (stage, reason)"));
    }

    @Test
    void panelsHaveUniqueIdsAndTheDashboardAStableUid() {
        JsonNode d = DeployFiles.json(DeployFiles.DASHBOARDS.resolve("vggstream.json"));
        assertThat(d.path("uid").asText()).isEqualTo("vggstream");
        List<Integer> ids = d.findValues("id").stream().map(JsonNode::asInt).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(d.path("panels")).allSatisfy(p -> assertThat(p.path("gridPos").path("w").asInt()).isBetween(1, 24));
    }
}
