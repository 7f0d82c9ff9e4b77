package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.metrics.MetricsFixtures;
import dev.vggstream.metrics.MetricsRegistry;
import dev.vggstream.metrics.ScrapedMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** One consumer of a stream thread, as the Kafka Streams binder exports it. */
    static final String CONSUMER = "{instance=\"a\", client_id=\"vggstream-1f-StreamThread-1-consumer\"}";

    @Test
    void lagPanelsReadZeroNotNanForACaughtUpConsumerAndTheLagOtherwise(@TempDir Path dir) throws IOException {
        List<String> lag = DeployFiles.dashboardExpressions().stream().filter(e -> e.contains("records_lag")).toList();
        assertThat(lag).hasSizeGreaterThanOrEqualTo(2);
        List<Map<String, Object>> tests = new ArrayList<>();
        for (String expr : lag) {
            // Kafka's records-lag-max is NaN when no record arrived lately: the consumer is caught up
            tests.add(promtoolCase("NaN NaN NaN NaN", List.of(
                    check("count((" + expr + ") == 0)", 1), check("count(" + expr + ")", 1))));
            tests.add(promtoolCase("500 500 500 500", List.of(check("max(" + expr + ")", 500))));
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of());
        file.put("evaluation_interval", "1m");
        file.put("tests", tests);
        Path test = dir.resolve("lag_test.yml");
        DeployFiles.YAML.writeValue(test.toFile(), file);
        assertThat(Tools.ok(List.of("promtool", "test", "rules", test.toString()))).contains("SUCCESS");
    }

    private static Map<String, Object> promtoolCase(String lagValues, List<Map<String, Object>> checks) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("interval", "1m");
        t.put("input_series", List.of(
                Map.of("series", "kafka_consumer_fetch_manager_records_lag_max" + CONSUMER, "values", lagValues),
                Map.of("series", "kafka_consumer_fetch_manager_fetch_total" + CONSUMER, "values", "0+10x3")));
        t.put("promql_expr_test", checks);
        return t;
    }

    private static Map<String, Object> check(String expr, double value) {
        return Map.of("expr", expr, "eval_time", "2m", "exp_samples", List.of(Map.of("labels", "{}", "value", value)));
    }
}
