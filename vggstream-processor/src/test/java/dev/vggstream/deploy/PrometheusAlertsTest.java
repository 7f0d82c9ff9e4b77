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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/prometheus/alerts.yml: valid for promtool, proven by its unit tests (each alert firing and silent), reading
 * only metrics the processor exports, and loaded by the compose stack's Prometheus.
 */
class PrometheusAlertsTest {

    /** The scrape job the rules select: compose's job name, and the PodMonitor's job label on Kubernetes. */
    static final String JOB = "vggstream";

    @Test
    void promtoolAcceptsTheRules() {
        String out = Tools.ok(List.of("promtool", "check", "rules", DeployFiles.ALERTS.toString()));
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() {
        String out = Tools.ok(List.of("promtool", "test", "rules", DeployFiles.ALERTS_TEST.toString()));
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void theRulesAlertOnWhatAnOperatorMustKnow() {
        assertThat(alerts().keySet()).containsExactlyInAnyOrder(
                "VggstreamInstanceDown", "VggstreamAllInstancesDown", "VggstreamNotReady",
                "VggstreamConsumerLagGrowing", "VggstreamDeadLetterRateHigh", "VggstreamEndToEndLatencyHigh",
                "VggstreamModelVersionRefused", "VggstreamRestarting");
        alerts().forEach((name, rule) -> {
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name).isNotBlank();
        });
    }

    @Test
    void everyAlertIsShownFiringAndSilentByTheUnitTests() {
        Set<String> fired = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : DeployFiles.yaml(DeployFiles.ALERTS_TEST).path("tests")) {
            for (JsonNode case_ : test.path("alert_rule_test")) {
                String alert = case_.path("alertname").asText();
                (case_.path("exp_alerts").isEmpty() ? silent : fired).add(alert);
            }
        }
        assertThat(fired).containsAll(alerts().keySet());
        assertThat(silent).containsAll(alerts().keySet());
        assertThat(DeployFiles.yaml(DeployFiles.ALERTS_TEST).path("rule_files").get(0).asText())
                .isEqualTo(DeployFiles.ALERTS.getFileName().toString());
    }

    @Test
    void everySeriesTheRulesReadIsOfTheScrapeJob() {
        Pattern selector = Pattern.compile("\\b([a-z_]+)\\{([^}]*)}");
        for (String expr : expressions()) {
            Matcher m = selector.matcher(expr);
            while (m.find()) {
                assertThat(m.group(2)).as(m.group()).contains("job=\"" + JOB + "\"");
            }
        }
        assertThat(DeployFiles.yaml(DeployFiles.PROMETHEUS).path("scrape_configs").get(0).path("job_name").asText())
                .isEqualTo(JOB);
    }

    @Test
    void everyMetricTheRulesReadIsExported(@TempDir Path stateDir) {
        Set<String> read = new TreeSet<>();
        expressions().forEach(e -> read.addAll(PromQl.metricNames(e)));
        // recorded series (level:metric:operation) and Prometheus' own "up" are not the processor's
        read.removeIf(n -> n.contains(":") || n.equals("up"));
        KafkaStreams streams = MetricsFixtures.unstartedStreams(stateDir);
        try (MetricsRegistry metrics = MetricsFixtures.everyMeter(streams)) {
            Set<String> exported = ScrapedMetrics.parse(metrics.scrape(null).text()).names();
            assertThat(read).isNotEmpty().isSubsetOf(exported);
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void theComposePrometheusLoadsTheRules() {
        JsonNode prometheus = DeployFiles.yaml(DeployFiles.PROMETHEUS);
        String mountedAt = ComposeFileTest.mountOf(DeployFiles.composeService("prometheus"),
                "./" + DeployFiles.ALERTS);
        List<String> globs = new ArrayList<>();
        prometheus.path("rule_files").forEach(f -> globs.add(f.asText()));
        assertThat(globs).anyMatch(g -> Path.of(mountedAt).getFileSystem().getPathMatcher("glob:" + g)
                .matches(Path.of(mountedAt)));
    }

    /** Alerting rules by name. */
    static Map<String, JsonNode> alerts() {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode group : DeployFiles.yaml(DeployFiles.ALERTS).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    out.put(rule.path("alert").asText(), rule);
                }
            }
        }
        return out;
    }

    /** Every expression of every rule, recording and alerting. */
    static List<String> expressions() {
        List<String> out = new ArrayList<>();
        for (JsonNode group : DeployFiles.yaml(DeployFiles.ALERTS).path("groups")) {
            group.path("rules").forEach(r -> out.add(r.path("expr").asText()));
        }
        return out;
    }
}
