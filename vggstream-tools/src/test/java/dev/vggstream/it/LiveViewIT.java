package dev.vggstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.config.AppConfig;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.metrics.Chromium;
import dev.vggstream.metrics.Observability;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live view of a processor running against a real broker: what it classified and refused shows up in
 * {@code /view/state} and, in headless Chromium where installed, in the page's DOM.
 */
@ExtendWith(KafkaBrokerExtension.class)
class LiveViewIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theLiveViewOfARunningProcessorShowsItsResultsDeadLettersModelAndHealth() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("live-view");
        Path cfg = StreamFixtures.config(dir, bootstrap, names, StreamFixtures.tinyModel(dir, 5), Map.of(
                "batch.max-wait-ms", "20", "topics.partitions", "2", "http.enabled", "true", "http.port", "0",
                "http.view.thumbnails", "true"));
        AppConfig config = AppConfig.load(cfg, Map.of());
        Health health = new Health();
        try (Observability observability = Observability.start(config.http(), health);
             VggService service = VggService.start(config, health, observability.listeners())) {
            observability.attach(service.streams());
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<String> ids = StreamFixtures.sendImages(bootstrap, names.input(), "live", 12, 3);
            try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(bootstrap)) {
                p.send(StreamFixtures.rawEvent(names.input(), "broken-1", "cam-9",
                        "this is not an image".getBytes(StandardCharsets.UTF_8))).get();
            }
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), false)) {
                assertThat(new Results().readUntilAll(out, ids, Duration.ofSeconds(60)).lost(ids)).isEmpty();
            }
            String url = observability.viewUrl().orElseThrow();
            HttpClient client = HttpClient.newHttpClient();
            JsonNode state = await().atMost(Duration.ofSeconds(30)).until(() -> state(client, url),
                    s -> s.get("classified").asInt() == ids.size() && s.get("deadLettered").asInt() == 1);

            assertThat(state.at("/model/name").asText()).isEqualTo("vgg11");
            assertThat(state.at("/health/ready").asBoolean()).isTrue();
            assertThat(state.get("results")).hasSize(ids.size());
            assertThat(state.get("results").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(state.at("/deadLetters/0/reason").asText()).isEqualTo("NOT_JSON_OR_IMAGE");
            assertThat(state.at("/latencyMs/p50").isNumber()).isTrue();
            assertThat(state.get("batchSize").asDouble()).isGreaterThanOrEqualTo(1.0);

            Optional<Chromium> chromium = Chromium.find(dir);
            if (chromium.isPresent()) { // the page itself; LiveViewPageTest covers it in detail
                String dom = chromium.get().dom(url);
                assertThat(dom).contains("<div class=\"value\" id=\"classified\">" + ids.size() + "</div>")
                        .contains("<td class=\"reason\" title=\"NOT_JSON_OR_IMAGE\">NOT_JSON_OR_IMAGE</td>")
                        .contains("title=\"" + ids.get(ids.size() - 1) + "\"");
            }
        }
    }

    private static JsonNode state(HttpClient client, String url) throws Exception {
        return JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(url + "view/state")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
