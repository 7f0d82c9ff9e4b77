package dev.vggstream.metrics;

import dev.vggstream.batch.BatchListener;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.service.Health;
import dev.vggstream.service.ModelListener;
import dev.vggstream.service.VggService;
import dev.vggstream.topology.OutcomeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Everything {@code /metrics} exports: the pipeline's meters, the served model, health, process and JVM memory,
 * GC and threads, and the Kafka Streams client metrics once {@link #bindStreams} is called. Thread-safe.
 */
public final class MetricsRegistry implements AutoCloseable {

    static final String MODEL_INFO = "vggstream.model.info";
    static final String MODEL_LOADS = "vggstream.model.loads";
    static final String HEALTH = "vggstream.health";
    static final String BUILD_INFO = "vggstream.build.info";
    static final String KAFKA_CONNECTED = "vggstream.kafka.connected";
    /** The Prometheus text format, version 0.0.4. */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** What a scrape returns. */
    public record Scrape(String contentType, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PipelineMeters pipeline = new PipelineMeters(registry);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter modelsServed = modelLoads("served");
    private final Counter modelsRefused = modelLoads("refused");
    private final ModelListener models = new ModelListener() {
        @Override
        public void served(ModelInfo model, String device) {
            modelsServed.increment();
            modelServed(model, device);
        }

        @Override
        public void refused(Path version, String reason) {
            modelsRefused.increment();
        }
    };
    private Meter modelInfo;
    private KafkaStreamsMetrics streamsMetrics;
    private boolean closed;

    public MetricsRegistry() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        ProcessMemory.bindTo(registry);
        Gauge.builder(BUILD_INFO, () -> 1).description("The running build: always 1, the version is the label")
                .tag("version", BuildInfo.version()).register(registry);
    }

    public BatchListener batches() {
        return pipeline;
    }

    public OutcomeListener outcomes() {
        return pipeline;
    }

    /** Follows the served model: at start and after every hot reload, and versions that were refused. */
    public ModelListener models() {
        return models;
    }

    /** The hooks to give {@link VggService#start}. */
    public VggService.Listeners listeners() {
        return new VggService.Listeners(pipeline, pipeline, models);
    }

    private Counter modelLoads(String outcome) {
        return Counter.builder(MODEL_LOADS).description("Model versions loaded and served, or refused (hot reload)")
                .tag("outcome", outcome).register(registry);
    }

    /**
     * Sets {@code vggstream_model_info{name,version,device}} to 1 for {@code model}, removing the series of the
     * model it replaces, so that after a hot reload exactly one model is reported as served.
     */
    public synchronized void modelServed(ModelInfo model, String device) {
        Objects.requireNonNull(model, "model");
        if (modelInfo != null) {
            registry.remove(modelInfo);
        }
        modelInfo = Gauge.builder(MODEL_INFO, () -> 1)
                .description("The model being served (always 1)")
                .tags("name", model.name(), "version", model.version(), "device", String.valueOf(device))
                .register(registry);
    }

    /** Exports {@code health}'s live, started and ready checks, and whether a broker answers, as 1 or 0. */
    public void bindHealth(Health health) {
        health(health, "live", Health::live);
        health(health, "started", Health::started);
        health(health, "ready", Health::ready);
        Gauge.builder(KAFKA_CONNECTED, health, h -> h.kafkaConnected() ? 1 : 0)
                .description("1 while a Kafka broker answers the processor's periodic look at the cluster, else 0")
                .register(registry);
    }

    private void health(Health health, String check, Predicate<Health> test) {
        Gauge.builder(HEALTH, health, h -> test.test(h) ? 1 : 0).description("Health checks: 1 passing, 0 failing")
                .tag("check", check).register(registry);
    }

    /** Exports the Kafka Streams client metrics (threads, tasks, consumers, producers) of {@code streams}. */
    public synchronized void bindStreams(KafkaStreams streams) {
        if (streamsMetrics != null) {
            throw new IllegalStateException("Kafka Streams metrics are already bound");
        }
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    /**
     * The metrics in the format {@code accept} asks for: OpenMetrics when it names it (Prometheus asks for it
     * first), else the Prometheus text format. Never protobuf: that would need a binary writer for no gain here.
     */
    public Scrape scrape(String accept) {
        String type = accept != null && accept.contains("application/openmetrics-text")
                ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        return new Scrape(type, registry.scrape(type).getBytes(StandardCharsets.UTF_8));
    }

    /** The Micrometer registry, for tests and for binding further meters. */
    public MeterRegistry meters() {
        return registry;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        gc.close();
        registry.close();
    }
}
