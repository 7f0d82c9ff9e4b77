package dev.vggstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.config.AppConfig;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor in this JVM against a real broker: one result per image, dead letters for the rest, in order. */
@ExtendWith(KafkaBrokerExtension.class)
class StreamingProcessorIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = StreamFixtures.tinyModel(dir, 5);
    }

    static AppConfig config(Path file) throws Exception {
        Properties p = new Properties();
        try (FileReader r = new FileReader(file.toFile(), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return AppConfig.fromProperties(p, Map.of());
    }

    @Test
    void everyImageEndsAsExactlyOneResultOrOneDeadLetterInPartitionOrder() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("e2e");
        Path cfg = StreamFixtures.config(dir, bootstrap, names, model,
                Map.of("batch.max-size", "8", "batch.max-wait-ms", "20"));
        try (VggService service = VggService.start(config(cfg), new Health(), VggService.Listeners.none())) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<String> ids = StreamFixtures.sendImages(bootstrap, names.input(), "img", 200, 6);
            List<String> bad = sendBadRecords(bootstrap, names.input());
            try (KafkaConsumer<byte[], byte[]> results = StreamFixtures.consumer(bootstrap, names.output(), true);
                 KafkaConsumer<byte[], byte[]> dead = StreamFixtures.consumer(bootstrap, names.dlq(), true)) {
                List<ConsumerRecord<byte[], byte[]>> out = StreamFixtures.collect(results,
                        l -> l.size() >= ids.size(), Duration.ofSeconds(90));
                List<ConsumerRecord<byte[], byte[]>> dl = StreamFixtures.collect(dead,
                        l -> l.size() >= bad.size(), Duration.ofSeconds(30));
                List<String> got = new ArrayList<>();
                Map<String, List<Integer>> bySource = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : out) {
                    JsonNode j = JSON.readTree(r.value());
                    got.add(j.get("id").asText());
                    bySource.computeIfAbsent(j.get("source").asText(), k -> new ArrayList<>())
                            .add(Integer.parseInt(j.get("id").asText().substring(4)));
                    assertThat(j.get("top")).hasSize(5);
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(j.get("source").asText());
                }
                assertThat(got).containsExactlyInAnyOrderElementsOf(ids);
                // each camera's key maps to one partition: its results come in the order it sent them
                bySource.values().forEach(seq -> assertThat(seq).isSorted());
                assertThat(dl).extracting(r -> header(r, "test.case")).containsExactlyInAnyOrderElementsOf(bad);
                assertThat(dl).allSatisfy(r -> assertThat(header(r, EventHeaders.ERROR_STAGE)).isNotBlank());
            }
        }
    }

    static List<String> sendBadRecords(String bootstrap, String topic) throws Exception {
        Map<String, byte[]> cases = new HashMap<>();
        cases.put("empty", new byte[0]);
        cases.put("text", "hello".getBytes(StandardCharsets.UTF_8));
        cases.put("json-no-data", "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        cases.put("bad-base64", "{\"data\":\"@@@@\"}".getBytes(StandardCharsets.UTF_8));
        cases.put("truncated-png", java.util.Arrays.copyOf(dev.vggstream.topology.TestImages.png(1), 40));
        try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(bootstrap)) {
            for (var e : cases.entrySet()) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, e.getValue());
                r.headers().add("test.case", e.getKey().getBytes(StandardCharsets.UTF_8));
                p.send(r).get();
            }
        }
        return new ArrayList<>(cases.keySet());
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
