package dev.vggstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.config.AppConfig;
import dev.vggstream.event.OutputFormat;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import dev.vggstream.topology.TestImages;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official CloudEvents Java SDK on both ends of a real broker: its {@code CloudEventSerializer} publishes frames
 * in binary and structured mode, the processor writes {@code output.format=cloudevents}, and the SDK's
 * {@code CloudEventDeserializer} reads the results and dead letters back as events.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CloudEventsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OffsetDateTime FRAME_TIME = OffsetDateTime.parse("2026-11-27T20:00:00Z");

    @TempDir
    Path dir;

    @Test
    void sdkEventsInBothModesAreClassifiedAndTheSdkReadsResultsAndDeadLettersAsCloudEvents() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("cloudevents");
        Path cfg = StreamFixtures.config(dir, bootstrap, names, StreamFixtures.tinyModel(dir, 5), Map.of(
                "batch.max-wait-ms", "20", "topics.partitions", "2", "output.format", "cloudevents",
                "output.cloudevents.source", "/vggstream/it"));
        List<String> good = new ArrayList<>();
        try (VggService service = VggService.start(AppConfig.load(cfg, Map.of()), new Health(),
                VggService.Listeners.none())) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            for (Encoding mode : List.of(Encoding.BINARY, Encoding.STRUCTURED)) {
                try (KafkaProducer<String, CloudEvent> p = sdkProducer(bootstrap, mode)) {
                    for (int i = 0; i < 3; i++) {
                        String id = mode + "-" + i;
                        p.send(new ProducerRecord<>(names.input(), "cam-" + i, frame(id, "image/png",
                                TestImages.png(20 * i + 10))));
                        good.add(id);
                    }
                    // the SDK sends whatever it is given: a PNG labelled JPEG is the processor's to refuse
                    p.send(new ProducerRecord<>(names.input(), "cam-x", frame(mode + "-mislabelled", "image/jpeg",
                            TestImages.png(99))));
                }
            }
            List<CloudEvent> results = readEvents(bootstrap, names.output(), good.size());
            List<CloudEvent> deadLetters = readEvents(bootstrap, names.dlq(), 2);

            assertThat(results).extracting(CloudEvent::getSubject).containsExactlyInAnyOrderElementsOf(good);
            for (CloudEvent r : results) {
                assertThat(r.getType()).isEqualTo(OutputFormat.RESULT_TYPE);
                assertThat(r.getSource()).isEqualTo(URI.create("/vggstream/it"));
                assertThat(r.getDataContentType()).isEqualTo("application/json");
                assertThat(r.getTime()).isEqualTo(FRAME_TIME);
                JsonNode body = JSON.readTree(r.getData().toBytes());
                assertThat(body.get("id").asText()).isEqualTo(r.getSubject());
                assertThat(body.get("source").asText()).isEqualTo("/cameras/" + r.getSubject());
                assertThat(body.get("timestamp").asText()).isEqualTo("2026-11-27T20:00:00.000Z");
                assertThat(body.get("top")).hasSize(5);
            }
            assertThat(results).extracting(CloudEvent::getId).doesNotHaveDuplicates();
            for (CloudEvent d : deadLetters) {
                assertThat(d.getType()).isEqualTo(OutputFormat.DEAD_LETTER_TYPE);
                assertThat(d.getExtension("deadletterreason")).isEqualTo("CE_CONTENT_TYPE_MISMATCH");
                assertThat(d.getExtension("deadletterstage")).isEqualTo("decode");
            }
            // binary: the failed frame itself; structured: the failed JSON event, both unchanged
            assertThat(deadLetters).extracting(d -> d.getData().toBytes().length).contains(TestImages.png(99).length);
        }
    }

    private static CloudEvent frame(String id, String contentType, byte[] image) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/cameras/" + id))
                .withType("com.example.camera.frame").withTime(FRAME_TIME).withDataContentType(contentType)
                .withData(image).build();
    }

    private static KafkaProducer<String, CloudEvent> sdkProducer(String bootstrap, Encoding mode) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
        p.put(CloudEventSerializer.ENCODING_CONFIG, mode);
        p.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
        return new KafkaProducer<>(p);
    }

    /** Reads {@code n} events from every partition of {@code topic} with the SDK's deserializer. */
    private static List<CloudEvent> readEvents(String bootstrap, String topic, int n) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<CloudEvent> out = new ArrayList<>();
        try (KafkaConsumer<String, CloudEvent> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        assertThat(out).as("events on " + topic).hasSize(n);
        return out;
    }
}
