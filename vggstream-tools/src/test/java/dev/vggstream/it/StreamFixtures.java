package dev.vggstream.it;

import dev.vggstream.event.EventHeaders;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import dev.vggstream.topology.TestImages;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Models, configs, producers and consumers for the integration tests. */
public final class StreamFixtures {

    private StreamFixtures() {
    }

    /** A tiny VGG (width 1/32, 32 px, random weights) exported once per call. */
    public static Path tinyModel(Path dir, int numClasses) throws IOException {
        VggSpec spec = new VggSpec(VggArch.VGG11, false, numClasses, 32, 1.0 / 32, Preprocessing.TORCH, null);
        Path out = dir.resolve("model");
        try (VggModel m = VggModel.create(spec)) {
            m.initializeRandom(5);
            m.export(out, spec.metadata(m.net().parameterCount(), "he-init:seed=5", "it"));
        }
        return out;
    }

    /** Unique topic names and application id, so tests sharing a broker never see each other's records. */
    public record Names(String app, String input, String output, String dlq) {
        public static Names unique(String prefix) {
            String u = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            return new Names(u, u + ".images", u + ".classifications", u + ".dlq");
        }
    }

    /** A processor configuration file. */
    public static Path config(Path dir, String bootstrap, Names names, Path model, Map<String, String> extra)
            throws IOException {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", bootstrap);
        c.put("kafka.application.id", names.app());
        c.put("kafka.state.dir", dir.resolve("state-" + names.app()).toString());
        c.put("topics.input", names.input());
        c.put("topics.output", names.output());
        c.put("topics.dlq", names.dlq());
        c.put("topics.partitions", "4");
        c.put("model.path", model.toString());
        c.put("http.enabled", "false");
        c.put("inference.intra-op-threads", "1");
        c.putAll(extra);
        Properties p = new Properties();
        p.putAll(c);
        Path file = dir.resolve(names.app() + "-" + UUID.randomUUID().toString().substring(0, 4) + ".properties");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, "integration test");
        }
        return file;
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // like a camera that keeps its frames until Kafka is back: the cluster tests take two of three brokers
        // away for longer than the default 2 minutes once restarts are counted
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        // and, with every node down, waits for the topic's metadata rather than failing a send after 60 s
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A raw PNG event with id and source headers, keyed by source. */
    public static ProducerRecord<byte[], byte[]> rawEvent(String topic, String id, String source, byte[] image) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, source.getBytes(StandardCharsets.UTF_8), image);
        r.headers().add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(EventHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /** A JSON event with the image in base64. */
    public static ProducerRecord<byte[], byte[]> jsonEvent(String topic, String id, String source, byte[] image) {
        String body = "{\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"data\":\""
                + Base64.getEncoder().encodeToString(image) + "\"}";
        return new ProducerRecord<>(topic, source.getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code n} events, alternating raw and JSON, over {@code sources} keys; returns their ids. */
    public static List<String> sendImages(String bootstrap, String topic, String prefix, int n, int sources)
            throws ExecutionException, InterruptedException {
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            for (int i = 0; i < n; i++) {
                String id = prefix + "-" + i;
                String source = "cam-" + (i % sources);
                byte[] image = TestImages.png(i % 256);
                p.send(i % 2 == 0 ? rawEvent(topic, id, source, image) : jsonEvent(topic, id, source, image));
                ids.add(id);
            }
            p.flush();
        }
        return ids;
    }

    /** A consumer of every partition of {@code topic}, from the start; read_committed unless told otherwise. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic, boolean readCommitted) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    /** Polls until {@code done} says the records so far are enough, or the timeout passes. */
    public static List<ConsumerRecord<byte[], byte[]>> collect(KafkaConsumer<byte[], byte[]> c,
                                                               Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                               Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(out) && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }
}
