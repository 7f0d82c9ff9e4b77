package dev.vggstream.it;

import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.kafka.LocalKafkaBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness tells the truth through a broker outage: down once no broker has answered for
 * {@code health.kafka-unavailable-ms}, up again when the broker is back; liveness up throughout; the connection
 * gauge follows; one summary line instead of the Kafka clients' per-connection warnings.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaOutageHealthIT {

    @TempDir
    static Path dir;
    static Path model;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void model() throws Exception {
        model = StreamFixtures.tinyModel(dir, 3);
    }

    @Test
    void readinessGoesDownWhileNoBrokerAnswersAndComesBackWithTheBrokerWhileLivenessStaysUp(
            @KafkaBrokerExtension.Dedicated LocalKafkaBroker broker) throws Exception {
        int port = HealthProbe.freePort();
        HealthProbe probe = new HealthProbe(port);
        StreamFixtures.Names names = StreamFixtures.Names.unique("hlt");
        Path cfg = StreamFixtures.config(dir, broker.bootstrapServers(), names, model, Map.of("http.enabled", "true",
                "http.port", Integer.toString(port), "health.kafka-unavailable-ms", "3000"));
        try (ProcessorProcess p = ProcessorProcess.start(cfg, Map.of())) {
            await().atMost(Duration.ofSeconds(180)).until(() -> probe.status("/health/ready") == 200);
            assertThat(metric(port, "vggstream_kafka_connected")).isEqualTo("1.0");

            broker.stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> probe.status("/health/ready") == 503);
            assertThat(probe.status("/health/live")).isEqualTo(200);
            assertThat(metric(port, "vggstream_kafka_connected")).isEqualTo("0.0");

            broker.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> probe.status("/health/ready") == 200);
            assertThat(metric(port, "vggstream_kafka_connected")).isEqualTo("1.0");
            assertThat(p.isAlive()).isTrue();
            assertThat(p.output()).contains("Kafka: no broker answers at", "Kafka usable again after")
                    .doesNotContain("could not be established");
        }
    }

    private String metric(int port, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).orElse("absent");
    }
}
