package dev.vggstream.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.event.Classification;
import dev.vggstream.event.EventException;
import dev.vggstream.event.InputRecord;
import dev.vggstream.event.Stage;
import dev.vggstream.inference.Prediction;
import dev.vggstream.service.Health;
import dev.vggstream.topology.TestImages;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LiveViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicLong now = new AtomicLong(1_795_809_600_000L);
    private final Health health = new Health();

    static Classification result(String id, String source, String label, double p, double totalMs) {
        return new Classification(id, source, "2026-11-27T20:00:00.000Z", new Classification.Model("m", "1"),
                List.of(new Prediction(0, label, p)), 4, new Classification.LatencyMs(0.5, 2.0, totalMs),
                new Classification.InputPosition("images", 0, 1));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> state, String key) {
        return (List<Map<String, Object>>) state.get(key);
    }

    @Test
    void throughput_counts_the_last_whole_seconds_and_latency_percentiles_are_nearest_rank() {
        LiveView view = new LiveView(health, false, now::get);
        for (int second = 0; second < 4; second++) {
            for (int i = 0; i < 5; i++) {
                view.result(result("e" + second + i, "cam", "cat", 0.9, second * 5 + i + 1), null);
            }
            now.addAndGet(1000);
        }
        view.batch(4, 1, false);
        view.batch(8, 1, false);

        Map<String, Object> s = view.state();

        assertThat((double) s.get("throughput")).isEqualTo(5.0);
        assertThat((double) s.get("batchSize")).isEqualTo(6.0);
        assertThat(s.get("latencyMs")).isEqualTo(Map.of("p50", 10.0, "p95", 19.0, "p99", 20.0));
        assertThat(s.get("classified")).isEqualTo(20L);
    }

    @Test
    void only_the_latest_results_and_dead_letters_are_kept_newest_first() {
        LiveView view = new LiveView(health, false, now::get);
        for (int i = 0; i < 50; i++) {
            view.result(result("r" + i, "cam", "cat", 0.5, 1), null);
            view.deadLetter(new InputRecord("images", 1, i, 0, null, null, null), Stage.DECODE, "BAD_JSON",
                    new EventException(EventException.Reason.BAD_JSON, "broken " + i));
        }

        Map<String, Object> s = view.state();

        assertThat(list(s, "results")).hasSize(LiveView.RECENT).first().extracting(r -> r.get("id")).isEqualTo("r49");
        assertThat(list(s, "deadLetters")).hasSize(LiveView.RECENT).first()
                .satisfies(d -> assertThat(d).containsEntry("reason", "BAD_JSON").containsEntry("message", "broken 49")
                        .containsEntry("input", "images-1@49"));
        assertThat(s.get("deadLettered")).isEqualTo(50L);
    }

    @Test
    void payload_text_is_cut_to_a_bounded_length() {
        LiveView view = new LiveView(health, false, now::get);

        view.result(result("x".repeat(5000), "cam", "cat", 0.5, 1), null);

        assertThat((String) list(view.state(), "results").get(0).get("id")).hasSize(LiveView.MAX_TEXT + 3);
    }

    @Test
    void with_thumbnails_on_a_result_gets_a_small_jpeg_made_from_its_image() throws Exception {
        try (LiveView view = new LiveView(health, true, now::get)) {
            view.result(result("big", "cam", "cat", 0.5, 1), TestImages.solid(200, 400, "png"));

            await().atMost(Duration.ofSeconds(20)).until(() -> list(view.state(), "results").get(0).get("thumbnail") != null);

            String url = (String) list(view.state(), "results").get(0).get("thumbnail");
            assertThat(url).startsWith("data:image/jpeg;base64,");
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(url.substring(23))));
            assertThat(img.getWidth()).isEqualTo(Thumbnails.SIDE);
            assertThat((img.getRGB(48, 48) >> 16) & 0xff).isBetween(190, 210);
        }
    }

    @Test
    void with_thumbnails_off_no_image_is_kept() {
        LiveView view = new LiveView(health, false, now::get);

        view.result(result("a", "cam", "cat", 0.5, 1), TestImages.png(10));

        assertThat(list(view.state(), "results").get(0).get("thumbnail")).isNull();
        assertThat(view.state().get("thumbnails")).isEqualTo(false);
    }

    @Test
    void the_page_its_files_and_its_state_are_served_with_a_strict_content_security_policy() throws Exception {
        LiveView view = new LiveView(health, false, now::get);
        health.streamsState(KafkaStreams.State.RUNNING);
        health.modelReady(true);
        view.served(MetricsFixtures.model("vgg11", "3"), "cpu");
        view.result(result("evt-1", "cam-7", "tabby", 0.8, 12), null);
        HttpClient client = HttpClient.newHttpClient();
        try (MetricsRegistry metrics = new MetricsRegistry();
             HttpEndpoints http = HttpEndpoints.start("127.0.0.1", 0, health, metrics, view)) {
            for (String path : List.of("/", "/view/view.js", "/view/view.css", "/view/state")) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(http.url() + path)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
                        .hasValue(HttpEndpoints.CONTENT_SECURITY_POLICY);
                assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            }
            String page = client.send(HttpRequest.newBuilder(URI.create(http.url() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).doesNotContain("http://", "https://").as("nothing from another origin")
                    .doesNotContain("<script>").as("no inline script");
            JsonNode state = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(http.url()
                    + "/view/state")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(state.at("/model/name").asText()).isEqualTo("vgg11");
            assertThat(state.at("/health/ready").asBoolean()).isTrue();
            assertThat(state.at("/results/0/label").asText()).isEqualTo("tabby");
        }
    }

    @Test
    void without_a_view_the_page_is_not_served() throws Exception {
        try (MetricsRegistry metrics = new MetricsRegistry();
             HttpEndpoints http = HttpEndpoints.start("127.0.0.1", 0, health, metrics)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(http.url() + "/view/state")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
        }
    }
}
