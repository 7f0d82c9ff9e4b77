package dev.vggstream.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.service.Health;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpEndpointsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Health health = new Health();
    final MetricsRegistry metrics = new MetricsRegistry();
    HttpEndpoints endpoints;

    @BeforeEach
    void start() throws IOException {
        endpoints = HttpEndpoints.start("127.0.0.1", 0, health, metrics);
    }

    @AfterEach
    void stop() {
        endpoints.close();
        metrics.close();
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(endpoints.url() + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path);
    }

    @Test
    void portZeroBindsAFreePortAndReportsIt() {
        assertThat(endpoints.address().getPort()).isPositive();
        assertThat(endpoints.url()).isEqualTo("http://127.0.0.1:" + endpoints.address().getPort());
    }

    @Test
    void metricsAreServedInThePrometheusTextFormat() throws Exception {
        metrics.outcomes().classified(10, 5);
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(ScrapedMetrics.parse(r.body()).sum("vggstream_images_total")).isEqualTo(1);
    }

    @Test
    void metricsAreServedAsOpenMetricsWhenPrometheusAsksForIt() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(endpoints.url() + "/metrics"))
                .header("Accept", "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5")
                .build();
        HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(r.body()).endsWith("# EOF\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/metrics/", "/metric", "/health", "/health/", "/health/ready/x", "/healthz",
            "/health%2Fready", "/HEALTH/READY", "/favicon.ico"})
    void everyOtherPathIsNotFound(String path) throws Exception {
        assertThat(get(path).statusCode()).isEqualTo(404);
    }

    @Test
    void aQueryStringDoesNotChangeThePath() throws Exception {
        assertThat(get("/health/live?verbose=1").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
    void methodsOtherThanGetAreNotAllowed(String method) throws Exception {
        for (String path : new String[] {"/metrics", "/health/live", "/health/ready", "/health/startup"}) {
            HttpResponse<String> r = send(method, path);
            assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET");
        }
    }

    @Test
    void whileTheModelLoadsTheProcessIsLiveButNeitherStartedNorReady() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health/startup").statusCode()).isEqualTo(503);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("started").asBoolean()).isFalse();
        assertThat(body.get("streams").asText()).isEqualTo("CREATED");
    }

    @Test
    void readyOnlyWhenTheModelIsWarmAndStreamsIsRunning() throws Exception {
        health.modelReady(true);
        assertThat(get("/health/startup").statusCode()).isEqualTo(200);
        health.streamsState(KafkaStreams.State.REBALANCING);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        health.streamsState(KafkaStreams.State.RUNNING);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("ready").asBoolean()).isTrue();
        assertThat(body.get("streams").asText()).isEqualTo("RUNNING");
    }

    @Test
    void notReadyWhileRebalancingOrReloadingButStillLive() throws Exception {
        health.modelReady(true);
        health.streamsState(KafkaStreams.State.RUNNING);
        health.streamsState(KafkaStreams.State.REBALANCING);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        health.streamsState(KafkaStreams.State.RUNNING);
        health.reloading(true);
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        health.reloading(false);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aFailedProcessIsNotLiveAndSaysWhy() throws Exception {
        health.modelReady(true);
        health.streamsState(KafkaStreams.State.RUNNING);
        health.failed("stream threads keep failing");
        HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(live.body()).get("failure").asText()).isEqualTo("stream threads keep failing");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void streamsInErrorIsNotLive() throws Exception {
        health.streamsState(KafkaStreams.State.ERROR);
        assertThat(get("/health/live").statusCode()).isEqualTo(503);
    }

    @Test
    void closingStopsServingAndFreesThePort() throws Exception {
        int port = endpoints.address().getPort();
        endpoints.close();
        endpoints.close();
        assertThatThrownBy(() -> get("/health/live")).isInstanceOf(ConnectException.class);
        // the port can be bound again at once
        HttpEndpoints again = HttpEndpoints.start("127.0.0.1", port, health, metrics);
        try {
            assertThat(again.address().getPort()).isEqualTo(port);
        } finally {
            again.close();
        }
    }

    @Test
    void ipv6AddressesAreBracketedInTheUrl() throws Exception {
        HttpEndpoints v6;
        try {
            v6 = HttpEndpoints.start("::1", 0, health, metrics);
        } catch (IOException noIpv6) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6);
            return;
        }
        try {
            assertThat(v6.url()).startsWith("http://[0:0:0:0:0:0:0:1]:");
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(v6.url() + "/health/live"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        } finally {
            v6.close();
        }
    }
}
