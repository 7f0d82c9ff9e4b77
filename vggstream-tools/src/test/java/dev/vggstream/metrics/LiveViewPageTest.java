package dev.vggstream.metrics;

import dev.vggstream.event.EventException;
import dev.vggstream.event.InputRecord;
import dev.vggstream.event.Stage;
import dev.vggstream.image.ImageException;
import dev.vggstream.service.Health;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live page in headless Chromium, served by the real HTTP endpoints from a view fed like the processor feeds it:
 * after its script ran, the DOM shows the numbers, the results and the dead letters, and payload text stays text.
 * Also writes {@code target/live-view.png} (README's screenshot: copy it to docs/live-view.png). Skipped where
 * Chromium is not installed (Debian: chromium).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LiveViewPageTest {

    private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\">";
    private static final Path SCREENSHOT = Path.of("target", "live-view.png");

    @TempDir
    Path profile;

    @Test
    void the_page_shows_throughput_latency_model_health_results_and_dead_letters_after_its_script_ran()
            throws Exception {
        Chromium chromium = Chromium.find(profile).orElse(null);
        assumeTrue(chromium != null, "Chromium is not installed (Debian: chromium)");
        Health health = new Health();
        health.modelReady(true);
        health.streamsState(KafkaStreams.State.RUNNING);
        long[] clock = {1_795_809_600_000L};
        try (LiveView view = new LiveView(health, true, () -> clock[0]);
             MetricsRegistry metrics = new MetricsRegistry();
             HttpEndpoints http = HttpEndpoints.start("127.0.0.1", 0, health, metrics, view)) {
            feed(view, clock);
            String dom = chromium.dom(http.url() + "/");

            assertThat(dom).contains("<span id=\"model-name\">fashion-vgg11</span>");
            assertThat(dom).contains("<span id=\"model-version\">7</span>");
            assertThat(dom).contains("<div class=\"value\" id=\"throughput\">4.0</div>");
            assertThat(dom).contains("<div class=\"value\" id=\"batch-size\">3.0</div>");
            assertThat(dom).contains("<div class=\"value\" id=\"p50\">23.0</div>");
            assertThat(dom).contains("<div class=\"value\" id=\"p99\">31.0</div>");
            assertThat(dom).contains("<div class=\"value\" id=\"classified\">16</div>");
            assertThat(dom).contains("READY (RUNNING)");
            assertThat(dom).contains("<td class=\"label\" title=\"Ankle boot\">Ankle boot</td>");
            assertThat(dom).contains("<td class=\"reason\" title=\"TRUNCATED\">TRUNCATED</td>");
            assertThat(dom).contains("<img src=\"data:image/jpeg;base64,");
            assertThat(dom).as("a hostile source is shown as text, never parsed")
                    .contains("&lt;img src=x onerror=\"document.title='pwned'\"&gt;")
                    .doesNotContain("<img src=\"x\"").doesNotContain("<title>pwned");

            Files.createDirectories(SCREENSHOT.getParent());
            Files.deleteIfExists(SCREENSHOT);
            chromium.screenshot(http.url() + "/", SCREENSHOT, 1200, 1180);
        }
    }

    /** What a few seconds of the demo look like: sample images classified, two refused. */
    private static void feed(LiveView view, long[] clock) throws IOException {
        view.served(MetricsFixtures.model("fashion-vgg11", "7"), "cpu");
        List<String[]> samples = samples();
        for (int i = 0; i < 16; i++) {
            String[] s = samples.get((i * 7) % samples.size());
            String source = i == 5 ? HOSTILE : "cam-" + (i % 4);
            view.result(LiveViewTest.result("evt-" + (100 + i), source, s[1], 0.55 + (i % 9) * 0.05, 16 + i),
                    image(s[0]));
            int done = i + 1;
            // one thumbnail at a time: the thumbnailer skips images while busy
            await().atMost(Duration.ofSeconds(20)).until(() -> thumbnails(view) == done);
            if (i % 4 == 3) {
                clock[0] += 1000;
            }
            if (i % 2 == 1) {
                view.batch(i % 4 == 1 ? 2 : 4, 1_000_000, false);
            }
        }
        view.deadLetter(new InputRecord("images", 2, 731, 0, "cam-2".getBytes(StandardCharsets.UTF_8), null, null),
                Stage.DECODE, "TRUNCATED", new ImageException(ImageException.Reason.TRUNCATED,
                        "PNG ends early: 1432 of 20480 bytes of image data"));
        view.deadLetter(new InputRecord("images", 0, 96, 0, null, null, null), Stage.DECODE, "BAD_BASE64",
                new EventException(EventException.Reason.BAD_BASE64, "invalid base64 in 'data' at character 4 (':')"));
    }

    @SuppressWarnings("unchecked")
    private static long thumbnails(LiveView view) {
        return ((List<Map<String, Object>>) view.state().get("results")).stream()
                .filter(r -> r.get("thumbnail") != null).count();
    }

    /** The demo's sample files and their labels, from the jar. */
    private static List<String[]> samples() throws IOException {
        List<String[]> out = new ArrayList<>();
        String csv = new String(resource("labels.csv"), StandardCharsets.UTF_8);
        csv.lines().skip(1).forEach(l -> out.add(l.split(",", 2)));
        return out;
    }

    private static byte[] image(String file) {
        try {
            return resource(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LiveViewPageTest.class.getResourceAsStream("/demo/samples/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
