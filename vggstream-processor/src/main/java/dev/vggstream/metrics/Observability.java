package dev.vggstream.metrics;

import dev.vggstream.config.AppConfig;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Metrics and health for {@code vggstream run}: the registry and the HTTP server, or nothing at all when
 * {@code http.enabled=false} (then nobody could read the meters, so none are kept).
 *
 * <p>Start it before the service so that probes get answers (live, not yet started) while the model loads, then
 * {@link #attach} the running service.
 */
public final class Observability implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Observability.class);

    private final MetricsRegistry metrics;
    private final HttpEndpoints endpoints;
    private volatile boolean attached;

    private Observability(MetricsRegistry metrics, HttpEndpoints endpoints) {
        this.metrics = metrics;
        this.endpoints = endpoints;
    }

    /**
     * Starts serving {@code /metrics} and {@code /health/*} on {@code http.host:http.port}, unless disabled.
     *
     * @throws IOException if the address cannot be bound (port taken, unknown host)
     */
    public static Observability start(AppConfig.Http http, Health health) throws IOException {
        if (!http.enabled()) {
            return new Observability(null, null);
        }
        MetricsRegistry metrics = new MetricsRegistry();
        try {
            metrics.bindHealth(health);
            HttpEndpoints endpoints = HttpEndpoints.start(http.host(), http.port(), health, metrics);
            log.info("metrics and health on {}", endpoints.url());
            return new Observability(metrics, endpoints);
        } catch (IOException | RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    /** The hooks to pass to {@link VggService#start} (batches, outcomes, served model); no-ops when disabled. */
    public VggService.Listeners listeners() {
        return metrics == null ? VggService.Listeners.none() : metrics.listeners();
    }

    /** Binds the Kafka Streams client metrics of the started service. */
    public void attach(KafkaStreams streams) {
        attached = true;
        if (metrics != null) {
            metrics.bindStreams(streams);
        }
    }

    /** Closes, unless {@link #attach} was called: for a service that failed to start. */
    public void closeUnlessAttached() {
        if (!attached) {
            close();
        }
    }

    public Optional<MetricsRegistry> metrics() {
        return Optional.ofNullable(metrics);
    }

    /** Where the endpoints are served (with the actual port if 0 was configured); empty when disabled. */
    public Optional<InetSocketAddress> address() {
        return endpoints == null ? Optional.empty() : Optional.of(endpoints.address());
    }

    /** Stops the HTTP server and the meters' background work. Safe to call more than once. */
    @Override
    public void close() {
        if (endpoints != null) {
            endpoints.close();
            metrics.close();
        }
    }
}
