package dev.vggstream.metrics;

import dev.vggstream.event.EventException;
import dev.vggstream.event.Stage;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.service.Health;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.awaitility.Awaitility.await;

/** Registries and Kafka Streams instances for tests that need every meter to exist without a broker. */
public final class MetricsFixtures {

    private MetricsFixtures() {
    }

    public static ModelInfo model(String name, String version) {
        return new ModelInfo(name, version, Path.of("models", name, version), List.of("a", "b"), Preprocessing.TORCH,
                32, 32, 2, "serving_default", "images", "serving_default_images:0", "probabilities",
                "StatefulPartitionedCall:0", false, false);
    }

    /** A KafkaStreams that is built (its clients and their metrics exist) but never started. */
    public static KafkaStreams unstartedStreams(Path stateDir) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream("in").to("out");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
        // never contacted: the instance is not started
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put("processing.exception.handler.global.enabled", "true");
        return new KafkaStreams(b.build(), p);
    }

    /**
     * A registry in which every meter the processor can export has been created: listeners called once each,
     * model and health bound, and the Kafka Streams metrics of {@code streams}.
     */
    public static MetricsRegistry everyMeter(KafkaStreams streams) {
        MetricsRegistry m = everyOwnMeter();
        m.bindStreams(streams);
        return m;
    }

    /** As {@link #everyMeter} without the Kafka Streams metrics. */
    public static MetricsRegistry everyOwnMeter() {
        MetricsRegistry m = new MetricsRegistry();
        m.bindHealth(new Health());
        m.models().served(model("vgg16", "1"), "cpu");
        m.models().refused(Path.of("models", "vgg16", "2"), "corrupt");
        m.batches().queued(1);
        m.batches().batch(1, 1_000_000, false);
        m.batches().inFlight(0);
        m.outcomes().classified(10, 5);
        m.outcomes().deadLettered(Stage.DECODE, EventException.Reason.BAD_JSON.name());
        // the GC pause timer appears with the first collection the JVM reports
        System.gc();
        await().atMost(Duration.ofSeconds(10)).until(() -> m.meters().find("jvm.gc.pause").timer() != null);
        return m;
    }
}
