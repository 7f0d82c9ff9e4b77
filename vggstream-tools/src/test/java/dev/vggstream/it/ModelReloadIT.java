package dev.vggstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.config.AppConfig;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Dropping a new numbered version into the model path mid-stream: served without stopping, nothing lost. */
@ExtendWith(KafkaBrokerExtension.class)
class ModelReloadIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aNewVersionDroppedMidStreamTakesOverWithoutLosingOrFailingAnImage() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        Path versions = Files.createDirectories(dir.resolve("models"));
        Files.move(StreamFixtures.tinyModel(dir.resolve("v1"), 4), versions.resolve("1"));
        Path v2 = StreamFixtures.tinyModel(dir.resolve("v2"), 4);
        StreamFixtures.Names names = StreamFixtures.Names.unique("reload");
        Path cfg = StreamFixtures.config(dir, bootstrap, names, versions, Map.of("model.poll-interval-ms", "100",
                "batch.max-size", "4", "batch.max-wait-ms", "10"));
        Properties p = new Properties();
        try (FileReader r = new FileReader(cfg.toFile(), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        int before = 130;
        int after = 130;
        try (VggService service = VggService.start(AppConfig.fromProperties(p, Map.of()), new Health(),
                VggService.Listeners.none());
             KafkaConsumer<byte[], byte[]> results = StreamFixtures.consumer(bootstrap, names.output(), true);
             KafkaConsumer<byte[], byte[]> dead = StreamFixtures.consumer(bootstrap, names.dlq(), true)) {
            assertThat(service.awaitRunning(Duration.ofSeconds(60))).isTrue();
            List<String> sent = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = StreamFixtures.producer(bootstrap)) {
                Sender send = new Sender(producer, names, sent, results, got);
                send.images(before);
                // version 1 must have answered before version 2 arrives: on a slow machine the first of the images
                // above could otherwise still be waiting when the watcher swaps (seen once: every result from 2)
                got.addAll(StreamFixtures.collect(results, l -> !got.isEmpty() || !l.isEmpty(),
                        Duration.ofSeconds(60)));
                assertThat(got).as("results from version 1 before version 2 is dropped in").isNotEmpty();
                // TF Serving's rule: write the version elsewhere, then move it in whole
                Files.move(v2, versions.resolve("2"));
                // keep the stream flowing while the watcher notices, so the swap happens mid-stream
                long swapDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!"2".equals(service.model().info().version()) && System.nanoTime() < swapDeadline) {
                    send.images(4);
                }
                assertThat(service.model().info().version()).as("version 2 loaded while streaming").isEqualTo("2");
                send.images(after);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ids(got).containsAll(sent) && System.nanoTime() < deadline) {
                results.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(ids(got)).as("every image answered").containsAll(sent);
            assertThat(StreamFixtures.collect(dead, l -> false, Duration.ofSeconds(1))).as("none failed").isEmpty();
            Map<Integer, List<String>> versionsByPartition = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : got) {
                JsonNode j = JSON.readTree(r.value());
                versionsByPartition.computeIfAbsent(j.get("input").get("partition").asInt(), k -> new ArrayList<>())
                        .add(j.get("model").get("version").asText());
            }
            Set<String> seen = new HashSet<>();
            versionsByPartition.values().forEach(seen::addAll);
            assertThat(seen).containsExactlyInAnyOrder("1", "2");
            // once a partition's results come from version 2, they never go back to version 1
            for (List<String> v : versionsByPartition.values()) {
                int firstTwo = v.indexOf("2");
                if (firstTwo >= 0) {
                    assertThat(v.subList(firstTwo, v.size())).containsOnly("2");
                }
            }
            assertThat(service.model().info().version()).isEqualTo("2");
        }
    }

    /** Sends images in small flushed groups, collecting whatever results have arrived meanwhile. */
    record Sender(KafkaProducer<byte[], byte[]> producer, StreamFixtures.Names names, List<String> sent,
                  KafkaConsumer<byte[], byte[]> results, List<ConsumerRecord<byte[], byte[]>> got) {
        void images(int n) {
            for (int i = 0; i < n; i++) {
                int k = sent.size();
                String id = "r-" + k;
                producer.send(StreamFixtures.rawEvent(names.input(), id, "cam-" + (k % 4),
                        dev.vggstream.topology.TestImages.png(k % 256)));
                sent.add(id);
                if (k % 20 == 19) {
                    producer.flush();
                    results.poll(Duration.ofMillis(50)).forEach(got::add);
                }
            }
            producer.flush();
        }
    }

    static Set<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(JSON.readTree(r.value()).get("id").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
