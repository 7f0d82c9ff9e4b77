package dev.vggstream.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's traffic: the samples published as camera events (raw images and JSON events in turn), then every
 * answer (classification or dead letter) read back and printed as it arrives.
 */
final class DemoStream {

    static final String INPUT = "images";
    static final String OUTPUT = "classifications";
    static final String DLQ = "images.dlq";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoStream() {
    }

    static DemoSummary stream(PrintWriter out, String bootstrap, DemoData data, int cameras) throws Exception {
        Map<String, Long> sentAt = new LinkedHashMap<>();
        Map<String, String> sourceOf = new HashMap<>();
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            int i = 0;
            for (Path f : data.samples()) {
                String id = f.getFileName().toString();
                String camera = "cam-" + (i % cameras + 1);
                byte[] bytes = Files.readAllBytes(f);
                sentAt.put(id, System.nanoTime());
                sourceOf.put(id, camera);
                producer.send(i % 2 == 0 ? raw(id, camera, bytes) : json(id, camera, bytes));
                i++;
            }
            producer.flush();
        }
        out.printf("published %d images from %d cameras (raw JPEG/PNG and JSON+base64 events); results:%n",
                sentAt.size(), cameras);
        out.flush();
        DemoSummary s = new DemoSummary(started);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (s.answered() < sentAt.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(OUTPUT)) {
                        s.result(out, JSON.readTree(r.value()), sentAt, data.labels());
                    } else {
                        s.deadLetter(out, r, sentAt);
                    }
                }
            }
        }
        if (s.answered() < sentAt.size()) {
            throw new CliException(ExitCodes.FAILED, "only " + s.answered() + " of " + sentAt.size()
                    + " images were answered within 60 s");
        }
        return s;
    }

    private static ProducerRecord<byte[], byte[]> raw(String id, String camera, byte[] bytes) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(INPUT, camera.getBytes(StandardCharsets.UTF_8), bytes);
        r.headers().add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(EventHeaders.SOURCE, camera.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static ProducerRecord<byte[], byte[]> json(String id, String camera, byte[] bytes) throws Exception {
        var o = JSON.createObjectNode().put("id", id).put("source", camera)
                .put("timestamp", System.currentTimeMillis()).put("data", Base64.getEncoder().encodeToString(bytes));
        return new ProducerRecord<>(INPUT, camera.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(o));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(OUTPUT, DLQ)) {
            c.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }
}
