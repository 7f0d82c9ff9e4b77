package dev.vggstream.metrics;

import dev.vggstream.batch.BatchListener;
import dev.vggstream.config.AppConfig;
import dev.vggstream.service.Health;
import dev.vggstream.service.ModelListener;
import dev.vggstream.topology.OutcomeListener;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObservabilityTest {

    @Test
    void disabledMeansNoServerAndNoMeters() throws IOException {
        try (Observability o = Observability.start(new AppConfig.Http(false, "127.0.0.1", 0), new Health())) {
            assertThat(o.address()).isEmpty();
            assertThat(o.metrics()).isEmpty();
            assertThat(o.listeners().batches()).isSameAs(BatchListener.NONE);
            assertThat(o.listeners().outcomes()).isSameAs(OutcomeListener.NONE);
            assertThat(o.listeners().models()).isSameAs(ModelListener.NONE);
        }
    }

    @Test
    void enabledServesOnTheConfiguredHostAndFeedsTheRegistryFromTheListeners() throws Exception {
        AppConfig c = AppConfig.defaults().with("http.port", "0");
        try (Observability o = Observability.start(c.http(), new Health())) {
            int port = o.address().orElseThrow().getPort();
            assertThat(o.address().orElseThrow().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            o.listeners().outcomes().classified(5, 5);
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            ScrapedMetrics m = ScrapedMetrics.parse(r.body());
            assertThat(m.sum("vggstream_images_total")).isEqualTo(1);
            // the health gauges are bound to the same Health as the endpoints
            assertThat(m.samples("vggstream_health")).hasSize(3);
        }
    }

    @Test
    void aServiceThatFailedToStartFreesThePortButARunningOneKeepsServing(@TempDir Path stateDir) throws Exception {
        AppConfig.Http http = new AppConfig.Http(true, "127.0.0.1", 0);
        Observability failed = Observability.start(http, new Health());
        int port = failed.address().orElseThrow().getPort();
        failed.closeUnlessAttached();
        assertThatThrownBy(() -> get(port, "/health/live")).isInstanceOf(ConnectException.class);

        KafkaStreams streams = MetricsFixtures.unstartedStreams(stateDir);
        try (Observability running = Observability.start(http, new Health())) {
            running.attach(streams);
            running.closeUnlessAttached();
            HttpResponse<String> r = get(running.address().orElseThrow().getPort(), "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ScrapedMetrics.parse(r.body()).names()).contains("kafka_stream_alive_stream_threads");
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTakenPortFailsAtStart() throws Exception {
        try (Observability first = Observability.start(new AppConfig.Http(true, "127.0.0.1", 0), new Health())) {
            int port = first.address().orElseThrow().getPort();
            assertThatThrownBy(() -> Observability.start(new AppConfig.Http(true, "127.0.0.1", port), new Health()))
                    .isInstanceOf(BindException.class);
        }
    }
}
