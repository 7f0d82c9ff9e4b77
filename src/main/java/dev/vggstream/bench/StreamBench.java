package dev.vggstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.config.AppConfig;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end measurements through a real broker: the processor in this JVM, input produced by this JVM, results
 * read back by this JVM.
 */
public final class StreamBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One scenario.
     *
     * @param instances processors started with the same application id
     * @param extra     further processor configuration
     */
    public record Setup(String name, Path model, int partitions, int streamThreads, int maxBatch, long maxWaitMs,
                        String guarantee, Payloads.Encoding encoding, List<byte[]> images, int count,
                        int instances, Map<String, String> extra) {

        public Setup with(Map<String, String> more) {
            Map<String, String> m = new HashMap<>(extra);
            m.putAll(more);
            return new Setup(name, model, partitions, streamThreads, maxBatch, maxWaitMs, guarantee, encoding, images,
                    count, instances, m);
        }
    }

    /** What a scenario measured. */
    /** @param processorP99Ms p99 of the results' own latencyMs.total: receipt by the processor to result sent */
    public record Outcome(String name, int images, double imagesPerSecond, double meanBatchSize, double p50Ms,
                          double p99Ms, double maxMs, int lost, int duplicates, double processorP99Ms) {
    }

    private StreamBench() {
    }

    /**
     * Capacity: {@code count} events are waiting before the processor starts; throughput is measured from the first
     * result to the last, so start-up is not counted.
     */
    public static Outcome throughput(String bootstrap, Setup s, Path work) throws Exception {
        String id = prefix(s);
        createTopics(bootstrap, id, s.partitions());
        List<String> ids = produce(bootstrap, id + ".in", s, 0);
        List<VggService> services = start(bootstrap, s, id, work);
        try {
            Collected c = collect(bootstrap, id + ".out", s, ids, Duration.ofMinutes(20));
            return c.outcome(s.name(), ids);
        } finally {
            services.forEach(VggService::close);
        }
    }

    /** Latency: events sent at {@code perSecond} to a running processor; end to end from send to receipt. */
    public static Outcome latency(String bootstrap, Setup s, double perSecond, Path work) throws Exception {
        String id = prefix(s);
        createTopics(bootstrap, id, s.partitions());
        List<VggService> services = start(bootstrap, s, id, work);
        try {
            Thread producer = new Thread(() -> {
                try {
                    produce(bootstrap, id + ".in", s, perSecond);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-producer");
            producer.start();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < s.count(); i++) {
                expected.add("e" + i);
            }
            Collected c = collect(bootstrap, id + ".out", s, expected, Duration.ofMinutes(20));
            producer.join();
            return c.outcome(s.name(), expected);
        } finally {
            services.forEach(VggService::close);
        }
    }

    private static String prefix(Setup s) {
        return "bench-" + s.name().replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(java.util.Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
    }

    static void createTopics(String bootstrap, String id, int partitions) throws Exception {
        try (Admin a = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<String, String> large = Map.of("max.message.bytes", Integer.toString(32 << 20));
            a.createTopics(List.of(new NewTopic(id + ".in", partitions, (short) 1).configs(large),
                    new NewTopic(id + ".out", partitions, (short) 1),
                    new NewTopic(id + ".dlq", partitions, (short) 1).configs(large))).all().get();
        }
    }

    /** Sends the events, paced when {@code perSecond > 0}; the record timestamp is the send time. */
    static List<String> produce(String bootstrap, String topic, Setup s, double perSecond) throws Exception {
        List<String> ids = new ArrayList<>(s.count());
        int sources = Math.max(16, s.partitions() * 4);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, perSecond > 0 ? "0" : "20",
                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(32 << 20),
                ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L << 20)),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < s.count(); i++) {
                if (perSecond > 0) {
                    // a load generator keeps its schedule: this is pacing, not waiting for a condition
                    long wait = start + (long) (i / perSecond * 1e9) - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                String id = "e" + i;
                p.send(Payloads.event(topic, s.encoding(), id, "cam-" + (i % sources),
                        s.images().get(i % s.images().size())));
                ids.add(id);
            }
            p.flush();
        }
        return ids;
    }

    static List<VggService> start(String bootstrap, Setup s, String id, Path work) throws Exception {
        List<VggService> out = new ArrayList<>();
        for (int i = 0; i < s.instances(); i++) {
            Map<String, String> c = new HashMap<>();
            c.put("kafka.bootstrap.servers", bootstrap);
            c.put("kafka.application.id", id);
            c.put("kafka.processing.guarantee", s.guarantee());
            c.put("kafka.num.stream.threads", Integer.toString(s.streamThreads()));
            c.put("kafka.state.dir", work.resolve(id + "-" + i).toString());
            c.put("topics.input", id + ".in");
            c.put("topics.output", id + ".out");
            c.put("topics.dlq", id + ".dlq");
            c.put("topics.create", "false");
            c.put("model.path", s.model().toString());
            c.put("model.poll-interval-ms", "0");
            c.put("batch.max-size", Integer.toString(s.maxBatch()));
            c.put("batch.max-wait-ms", Long.toString(s.maxWaitMs()));
            c.put("batch.max-in-flight", Integer.toString(Math.max(64, 4 * s.maxBatch())));
            c.put("http.enabled", "false");
            c.putAll(s.extra());
            VggService service = VggService.start(AppConfig.defaults().with(c), new Health(),
                    VggService.Listeners.none());
            out.add(service);
        }
        for (VggService v : out) {
            if (!v.awaitRunning(Duration.ofMinutes(5))) {
                throw new IllegalStateException("processor did not reach RUNNING: " + v.health().describe());
            }
        }
        return out;
    }

    /** Results read back, with receipt times. */
    record Collected(List<JsonNode> results, List<Long> receivedNanos, List<Long> latencyMs, Set<String> ids,
                     int duplicates) {

        /**
         * Throughput over the middle 80% of the results (10th to 90th percentile of arrival): start-up, the
         * draining tail, and exactly-once's commit-sized bursts of visibility do not distort it.
         */
        Outcome outcome(String name, List<String> expected) {
            int n = results.size();
            int lo = n / 10;
            int hi = Math.max(lo + 1, n - 1 - n / 10);
            double seconds = n < 10 ? Double.NaN : (receivedNanos.get(hi) - receivedNanos.get(lo)) / 1e9;
            double throughput = n < 10 || seconds <= 0 ? 0 : (hi - lo) / seconds;
            double batches = 0;
            for (JsonNode r : results) {
                batches += 1.0 / Math.max(1, r.get("batchSize").asInt());
            }
            List<Long> sorted = new ArrayList<>(latencyMs);
            sorted.sort(Long::compare);
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(ids);
            List<Long> processing = new ArrayList<>();
            for (JsonNode r : results) {
                processing.add((long) r.get("latencyMs").get("total").asDouble());
            }
            processing.sort(Long::compare);
            return new Outcome(name, n, throughput, batches == 0 ? 0 : n / batches, percentile(sorted, 50),
                    percentile(sorted, 99), sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1),
                    missing.size(), duplicates, percentile(processing, 99));
        }
    }

    static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static Collected collect(String bootstrap, String topic, Setup s, List<String> expected, Duration timeout)
            throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        List<JsonNode> results = new ArrayList<>();
        List<Long> received = new ArrayList<>();
        List<Long> latency = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int duplicates = 0;
        Set<String> wanted = new HashSet<>(expected);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic,
                    p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ids.containsAll(wanted) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    long wallNow = System.currentTimeMillis();
                    JsonNode j = JSON.readTree(r.value());
                    if (!ids.add(j.get("id").asText())) {
                        duplicates++;
                    }
                    results.add(j);
                    received.add(now);
                    latency.add(wallNow - r.timestamp());
                }
            }
        }
        return new Collected(results, received, latency, ids, duplicates);
    }
}
