package dev.vggstream.metrics;

import dev.vggstream.deploy.DeployFiles;
import dev.vggstream.it.ProcessorProcess;
import dev.vggstream.it.StreamFixtures;
import dev.vggstream.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code vggstream run} in its own JVM against a real broker, with {@code http.port=0}: its /metrics and /health
 * endpoints, scraped for real while it classifies good images and dead-letters bad ones.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MetricsEndpointIT {

    static final Pattern SERVING = Pattern.compile("metrics and health on (http://[^\\s,]+)");
    static final Pattern MODEL = Pattern.compile("serving model (\\S+) v(\\S+) \\(.*\\) on (\\S+)$",
            Pattern.MULTILINE);
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final int GOOD = 12;

    @TempDir
    static Path dir;

    static HttpResponse<String> send(String method, String url) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int status(String url) throws Exception {
        return send("GET", url).statusCode();
    }

    static ScrapedMetrics scrape(String base) throws Exception {
        HttpResponse<String> r = send("GET", base + "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return ScrapedMetrics.parse(r.body());
    }

    /** Records that must be dead-lettered, each for a known reason at the decode stage. */
    static List<byte[]> badRecords() {
        return List.of(new byte[0], "hello".getBytes(StandardCharsets.UTF_8),
                "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void scrapesTheRunningProcessorAndFollowsItsHealth() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("metrics");
        Path model = StreamFixtures.tinyModel(dir, 5);
        Path cfg = StreamFixtures.config(dir, bootstrap, names, model, Map.of("http.enabled", "true",
                "http.port", "0", "batch.max-size", "8", "batch.max-wait-ms", "20"));
        try (ProcessorProcess p = ProcessorProcess.start(cfg, Map.of())) {
            p.awaitLine(l -> SERVING.matcher(l).find(), Duration.ofSeconds(60));
            Matcher m = SERVING.matcher(p.output());
            assertThat(m.find()).isTrue();
            String base = m.group(1);
            assertThat(base).startsWith("http://127.0.0.1:").doesNotEndWith(":0");

            // served before the model loads and Kafka Streams starts: live at once
            assertThat(status(base + "/health/live")).isEqualTo(200);

            p.awaitRunning(Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(status(base + "/health/startup")).isEqualTo(200);
                assertThat(status(base + "/health/ready")).isEqualTo(200);
            });
            assertThat(send("GET", base + "/health/ready").body()).contains("\"streams\":\"RUNNING\"");

            StreamFixtures.sendImages(bootstrap, names.input(), "img", GOOD, 3);
            try (KafkaProducer<byte[], byte[]> producer = StreamFixtures.producer(bootstrap)) {
                for (byte[] bad : badRecords()) {
                    producer.send(new ProducerRecord<>(names.input(), null, bad)).get();
                }
            }
            int deadLetters = badRecords().size();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                ScrapedMetrics s = scrape(base);
                assertThat(s.sum("vggstream_images_total", Map.of("outcome", "classified"))).isEqualTo(GOOD);
                assertThat(s.sum("vggstream_images_total", Map.of("outcome", "dead_lettered")))
                        .isEqualTo(deadLetters);
                assertThat(s.sum("vggstream_images_in_flight")).isZero();
            });

            ScrapedMetrics s = scrape(base);
            assertThat(s.sum("vggstream_images_total", Map.of("stage", "decode", "reason", "EMPTY_VALUE")))
                    .isEqualTo(1);
            assertThat(s.sum("vggstream_images_total", Map.of("stage", "decode", "reason", "MISSING_DATA")))
                    .isEqualTo(1);
            // every good image went through exactly one successful model call (the warm-up is not counted)
            assertThat(s.sum("vggstream_batches_total")).isPositive();
            assertThat(s.sum("vggstream_batches_total", Map.of("outcome", "failed"))).isZero();
            assertThat(s.sum("vggstream_batch_size_sum")).isEqualTo(GOOD);
            assertThat(s.sum("vggstream_inference_seconds_count")).isEqualTo(s.sum("vggstream_batches_total"));
            assertThat(s.sum("vggstream_queue_wait_seconds_count")).isEqualTo(GOOD);
            assertThat(s.sum("vggstream_end_to_end_seconds_count")).isEqualTo(GOOD);
            assertThat(s.samples("vggstream_end_to_end_seconds_bucket")).hasSizeGreaterThan(10);

            // the model and device the processor says it serves
            Matcher serving = MODEL.matcher(p.output());
            assertThat(serving.find()).isTrue();
            assertThat(s.samples("vggstream_model_info")).singleElement().satisfies(info -> {
                assertThat(info.value()).isEqualTo(1);
                assertThat(info.labels()).isEqualTo(Map.of("name", serving.group(1), "version", serving.group(2),
                        "device", serving.group(3)));
            });
            assertThat(s.sum("vggstream_model_loads_total", Map.of("outcome", "served"))).isEqualTo(1);
            assertThat(s.sum("vggstream_health", Map.of("check", "ready"))).isEqualTo(1);

            assertThat(s.sum("kafka_stream_alive_stream_threads")).isEqualTo(1);
            assertThat(s.sum("kafka_stream_thread_process_total")).isGreaterThanOrEqualTo(GOOD + deadLetters);
            assertThat(s.samples("kafka_consumer_fetch_manager_records_lag_max")).isNotEmpty();

            assertThat(s.sum("process_resident_memory_bytes")).isGreaterThan(0);
            assertThat(s.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).isGreaterThan(0);
            assertThat(s.names()).contains("jvm_gc_pause_seconds_count", "jvm_threads_live_threads");

            // what the Grafana dashboard reads, the running processor exports
            assertThat(DeployFiles.queriedMetricNames()).isSubsetOf(s.names());

            assertThat(status(base + "/nope")).isEqualTo(404);
            HttpResponse<String> post = send("POST", base + "/metrics");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");

            assertThat(p.stop(Duration.ofSeconds(60))).as("a clean stop on SIGTERM").isEqualTo(0);
        }
    }
}
