package dev.vggstream.metrics;

import dev.vggstream.event.EventException;
import dev.vggstream.event.Stage;
import dev.vggstream.image.ImageException;
import dev.vggstream.service.Health;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MetricsRegistryTest {

    final MetricsRegistry metrics = new MetricsRegistry();

    @AfterEach
    void close() {
        metrics.close();
    }

    ScrapedMetrics scrape() {
        return ScrapedMetrics.parse(metrics.scrape(null).text());
    }

    @Test
    void classifiedImagesAreCountedAndTheirEndToEndLatencyRecorded() {
        metrics.outcomes().classified(120, 40);
        metrics.outcomes().classified(3_000, 50);
        ScrapedMetrics m = scrape();
        assertThat(m.sum("vggstream_images_total", Map.of("outcome", "classified"))).isEqualTo(2);
        assertThat(m.sum("vggstream_end_to_end_seconds_count")).isEqualTo(2);
        assertThat(m.sum("vggstream_end_to_end_seconds_sum")).isCloseTo(3.12, within(1e-9));
        assertThat(m.sum("vggstream_end_to_end_seconds_bucket", Map.of("le", "0.25"))).isEqualTo(1);
    }

    @Test
    void anEventStampedInTheFutureIsCountedButLeavesTheLatencyHistogramAlone() {
        metrics.outcomes().classified(-500, 10);
        ScrapedMetrics m = scrape();
        assertThat(m.sum("vggstream_images_total", Map.of("outcome", "classified"))).isEqualTo(1);
        assertThat(m.sum("vggstream_end_to_end_seconds_count")).isZero();
    }

    @Test
    void deadLettersAreCountedByStageAndReason() {
        metrics.outcomes().deadLettered(Stage.DECODE, EventException.Reason.BAD_BASE64.name());
        metrics.outcomes().deadLettered(Stage.DECODE, EventException.Reason.BAD_BASE64.name());
        metrics.outcomes().deadLettered(Stage.PREPROCESS, ImageException.Reason.TRUNCATED.name());
        metrics.outcomes().deadLettered(Stage.INFERENCE, "UNEXPECTED");
        ScrapedMetrics m = scrape();
        assertThat(m.sum("vggstream_images_total", Map.of("outcome", "dead_lettered"))).isEqualTo(4);
        assertThat(m.sum("vggstream_images_total",
                Map.of("outcome", "dead_lettered", "stage", "decode", "reason", "BAD_BASE64"))).isEqualTo(2);
        assertThat(m.sum("vggstream_images_total",
                Map.of("stage", "preprocess", "reason", "TRUNCATED"))).isEqualTo(1);
        assertThat(m.sum("vggstream_images_total", Map.of("stage", "inference", "reason", "UNEXPECTED"))).isEqualTo(1);
        assertThat(m.sum("vggstream_images_total", Map.of("outcome", "classified"))).isZero();
    }

    @Test
    void reasonsOutsideTheContractAreCountedAsOtherSoTheLabelStaysBounded() {
        for (int i = 0; i < 50; i++) {
            metrics.outcomes().deadLettered(Stage.DECODE, "free text " + i);
        }
        metrics.outcomes().deadLettered(Stage.DECODE, null);
        ScrapedMetrics m = scrape();
        assertThat(m.samples("vggstream_images_total", Map.of("outcome", "dead_lettered")))
                .singleElement().satisfies(s -> {
                    assertThat(s.labels()).containsEntry("reason", "OTHER");
                    assertThat(s.value()).isEqualTo(51);
                });
    }

    @Test
    void batchesAreCountedWithTheirSizeAndInferenceTime() {
        metrics.batches().batch(8, 200_000_000L, false);
        metrics.batches().batch(3, 50_000_000L, false);
        metrics.batches().batch(16, 10_000_000L, true);
        ScrapedMetrics m = scrape();
        assertThat(m.sum("vggstream_batches_total")).isEqualTo(3);
        assertThat(m.sum("vggstream_batches_total", Map.of("outcome", "failed"))).isEqualTo(1);
        assertThat(m.sum("vggstream_batch_size_count")).isEqualTo(3);
        assertThat(m.sum("vggstream_batch_size_sum")).isEqualTo(27);
        assertThat(m.sum("vggstream_batch_size_bucket", Map.of("le", "8.0"))).isEqualTo(2);
        assertThat(m.sum("vggstream_inference_seconds_count")).isEqualTo(3);
        assertThat(m.sum("vggstream_inference_seconds_sum")).isCloseTo(0.26, within(1e-9));
    }

    @Test
    void queueWaitIsRecordedInSeconds() {
        metrics.batches().queued(30);
        metrics.batches().queued(700);
        ScrapedMetrics m = scrape();
        assertThat(m.sum("vggstream_queue_wait_seconds_count")).isEqualTo(2);
        assertThat(m.sum("vggstream_queue_wait_seconds_sum")).isCloseTo(0.73, within(1e-9));
        assertThat(m.sum("vggstream_queue_wait_seconds_bucket", Map.of("le", "0.05"))).isEqualTo(1);
    }

    @Test
    void inFlightGaugeShowsTheLatestCount() {
        metrics.batches().inFlight(12);
        metrics.batches().inFlight(5);
        assertThat(scrape().sum("vggstream_images_in_flight")).isEqualTo(5);
    }

    @Test
    void everyHistogramHasBucketsForPercentilesBeforeAnyObservation() {
        ScrapedMetrics m = scrape();
        for (String h : List.of("vggstream_batch_size", "vggstream_queue_wait_seconds", "vggstream_inference_seconds",
                "vggstream_end_to_end_seconds")) {
            assertThat(m.samples(h + "_bucket")).as(h).hasSizeGreaterThanOrEqualTo(10)
                    .anySatisfy(s -> assertThat(s.labels()).containsEntry("le", "+Inf"));
        }
    }

    @Test
    void modelInfoReportsOnlyTheModelServedNow() {
        metrics.modelServed(MetricsFixtures.model("vgg11", "1"), "cpu");
        assertThat(scrape().samples("vggstream_model_info")).singleElement().satisfies(s -> {
            assertThat(s.labels()).isEqualTo(Map.of("name", "vgg11", "version", "1", "device", "cpu"));
            assertThat(s.value()).isEqualTo(1);
        });
        metrics.modelServed(MetricsFixtures.model("vgg11", "2"), "gpu:0");
        assertThat(scrape().samples("vggstream_model_info")).singleElement().satisfies(s ->
                assertThat(s.labels()).isEqualTo(Map.of("name", "vgg11", "version", "2", "device", "gpu:0")));
    }

    @Test
    void theModelListenerFollowsReloadsAndCountsRefusedVersions() {
        metrics.listeners().models().served(MetricsFixtures.model("vgg16", "1"), "cpu");
        metrics.listeners().models().refused(Path.of("models/vgg16/2"), "failed its warm-up");
        metrics.listeners().models().served(MetricsFixtures.model("vgg16", "3"), "cpu");
        ScrapedMetrics m = scrape();
        assertThat(m.samples("vggstream_model_info")).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("version", "3"));
        assertThat(m.sum("vggstream_model_loads_total", Map.of("outcome", "served"))).isEqualTo(2);
        assertThat(m.sum("vggstream_model_loads_total", Map.of("outcome", "refused"))).isEqualTo(1);
    }

    @Test
    void healthChecksAreExportedAsGauges() {
        Health health = new Health();
        metrics.bindHealth(health);
        assertThat(scrape().sum("vggstream_health", Map.of("check", "started"))).isZero();
        health.modelReady(true);
        health.streamsState(KafkaStreams.State.RUNNING);
        ScrapedMetrics m = scrape();
        assertThat(m.sum("vggstream_health", Map.of("check", "live"))).isEqualTo(1);
        assertThat(m.sum("vggstream_health", Map.of("check", "started"))).isEqualTo(1);
        assertThat(m.sum("vggstream_health", Map.of("check", "ready"))).isEqualTo(1);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void processAndJvmMemoryAreExported() {
        ScrapedMetrics m = scrape();
        assertThat(m.sum("process_resident_memory_bytes")).isGreaterThan(0);
        assertThat(m.sum("process_resident_memory_peak_bytes")).isGreaterThan(0);
        assertThat(m.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).isGreaterThan(0);
        assertThat(m.names()).contains("jvm_threads_live_threads", "jvm_gc_memory_allocated_bytes_total",
                "process_cpu_usage");
    }

    @Test
    void kafkaStreamsClientMetricsAreExportedOnceBound(@TempDir Path stateDir) {
        KafkaStreams streams = MetricsFixtures.unstartedStreams(stateDir);
        try {
            metrics.bindStreams(streams);
            ScrapedMetrics m = scrape();
            assertThat(m.names()).anyMatch(n -> n.startsWith("kafka_stream_"))
                    .contains("kafka_consumer_fetch_manager_records_lag_max");
            assertThatThrownBy(() -> metrics.bindStreams(streams)).isInstanceOf(IllegalStateException.class);
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void openMetricsIsServedWhenAskedFor() {
        MetricsRegistry.Scrape open = metrics.scrape("application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertThat(open.contentType()).startsWith("application/openmetrics-text");
        assertThat(open.text()).endsWith("# EOF\n");
        MetricsRegistry.Scrape text = metrics.scrape("text/plain");
        assertThat(text.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.text()).doesNotContain("# EOF");
    }
}
