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
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

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

    /**
     * What a scenario measured.
     *
     * @param processorP99Ms p99 of the results' own latencyMs.total: receipt by the processor to result sent
     * @param spanPerSecond  images/s from the first result to the last, everything included (a rebalance, say)
     * @param cpuMs          CPU milliseconds per image over the throughput window, per {@link CpuMeter#PARTS}
     *                       (NaN when not measured)
     */
    public record Outcome(String name, int images, double imagesPerSecond, double meanBatchSize, double p50Ms,
                          double p99Ms, double maxMs, int lost, int duplicates, double processorP99Ms,
                          double spanPerSecond, double[] cpuMs) {
    }

    private StreamBench() {
    }

    /**
     * Capacity: {@code count} events are waiting before the processor starts; images/s over the middle 80% of the
     * results by arrival, so start-up and the draining tail are not counted (and first to last, in
     * {@link Outcome#spanPerSecond()}).
     */
    public static Outcome throughput(String bootstrap, Setup s, Path work) throws Exception {
        String id = prefix(s);
        createTopics(bootstrap, id, s.partitions());
        List<String> ids = produce(bootstrap, id + ".in", s);
        List<VggService> services = new ArrayList<>();
        try (Collector c = new Collector(bootstrap, id + ".out", null)) {
            // Results are read from before the processors start: read after, the ones produced meanwhile (while a
            // second instance loads its model, say) would all seem to arrive at once, and a window over arrival
            // times would overstate the rate.
            FutureTask<Void> reading = new FutureTask<>(() -> {
                c.awaitAll(ids, Duration.ofMinutes(20));
                return null;
            });
            Thread reader = new Thread(reading, "bench-results-reader");
            reader.start();
            try {
                services.addAll(start(bootstrap, s, id, work));
                reading.get();
            } finally {
                c.stop();
                reader.join();
            }
            return c.collected().outcome(s.name(), ids);
        } finally {
            services.forEach(VggService::close);
        }
    }

    /**
     * End-to-end rounds and the model alone between them: images per second of each over all rounds, and each
     * round's pair {end to end, model alone}.
     */
    public record Interleaved(Outcome outcome, double endToEndPerSecond, double modelAlonePerSecond,
                              List<double[]> rounds) {

        /**
         * The median of the rounds' end-to-end / model-alone ratios. Each pair is measured seconds apart, so its
         * ratio is free of the machine's drift; the median keeps one pair that straddled a change of speed (a
         * neighbour starting work) from deciding the result, as it would in a ratio of sums.
         */
        public double ratio() {
            double[] r = rounds.stream().mapToDouble(p -> p[0] / p[1]).sorted().toArray();
            return r.length == 0 ? Double.NaN
                    : r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
        }

        /** The slowest round's end-to-end images/s: what the machine sustained even in its slow moments. */
        public double slowestRound() {
            return rounds.stream().mapToDouble(r -> r[0]).min().orElse(Double.NaN);
        }
    }

    /**
     * End to end against the model alone, alternated. In each of {@code rounds} rounds, {@code s.count()} events are
     * queued while the processor is paused, then it is resumed and works through them; after each round, with the
     * processor idle, {@code alone} classifies images in process and returns how long it took. The machine's speed
     * drifts by tens of percent within minutes, so both sides of the ratio are measured in turns.
     *
     * <p>Both sides are compared in steady state: end to end counts the batches after a round's first one (see
     * {@link #steadyState}), the model alone classifies as many images in full batches after one untimed call. A
     * round's first batch is left out on both sides: after a pause the stream thread needs longer than max-wait to
     * prepare the first batch, so it runs partly filled, an artifact of stopping and starting the stream (a steady
     * stream keeps the queue ahead of the model). So is a partly filled last batch, the round's remainder.
     */
    public static Interleaved interleaved(Session session, int rounds, ToLongFunction<Integer> alone)
            throws Exception {
        List<String> expected = new ArrayList<>();
        List<double[]> perRound = new ArrayList<>();
        long e2eNanos = 0;
        long aloneNanos = 0;
        int images = 0;
        int n = session.setup().count();
        int batch = session.setup().maxBatch();
        // a first round is not counted: the JIT compiles the Kafka and image code on the cores the model needs
        for (int r = -1; r < rounds; r++) {
            List<String> ids = queueWhilePaused(session, n);
            expected.addAll(ids);
            session.awaitAll(expected);
            if (r < 0) {
                continue;
            }
            long[] steady = steadyState(session.collector.collected().only(new HashSet<>(ids)), batch);
            if (steady[0] == 0) {
                throw new IllegalStateException("round " + (r + 1) + " of " + n + " events ran as one batch: make "
                        + "rounds longer");
            }
            alone.applyAsLong(batch);
            long modelOnly = alone.applyAsLong((int) steady[0]);
            images += (int) steady[0];
            e2eNanos += steady[1];
            aloneNanos += modelOnly;
            perRound.add(new double[] {steady[0] / (steady[1] / 1e9), steady[0] / (modelOnly / 1e9)});
        }
        return new Interleaved(session.outcome(expected), images / (e2eNanos / 1e9), images / (aloneNanos / 1e9),
                perRound);
    }

    /**
     * A round's batches after the first (and before a partly filled last one, the round's remainder), as {images,
     * nanos from the first batch's last result to the last counted batch's last result}. A partly filled batch in
     * between counts: it is the pipeline failing to keep up. Results of one batch share size and inference time.
     */
    static long[] steadyState(Collected round, int maxBatch) {
        Map<String, long[]> batches = new java.util.LinkedHashMap<>();
        for (int i = 0; i < round.results().size(); i++) {
            JsonNode j = round.results().get(i);
            String key = j.get("batchSize").asInt() + "/" + j.get("latencyMs").get("inference").asText();
            long[] b = batches.computeIfAbsent(key, k -> new long[] {j.get("batchSize").asInt(), 0});
            b[1] = Math.max(b[1], round.receivedNanos().get(i));
        }
        List<long[]> ordered = new ArrayList<>(batches.values());
        ordered.sort(java.util.Comparator.comparingLong(b -> b[1]));
        if (ordered.size() < 2) {
            return new long[] {0, 0};
        }
        int last = ordered.size() - 1;
        if (ordered.get(last)[0] < maxBatch && last >= 2) {
            last--;
        }
        long images = 0;
        for (long[] b : ordered.subList(1, last + 1)) {
            images += b[0];
        }
        return new long[] {images, ordered.get(last)[1] - ordered.get(0)[1]};
    }

    /**
     * Throughput of a running processor working through a backlog: {@code count} events queued while it is paused,
     * then drained as fast as it goes. Run on a processor that has already worked (a warm-up backlog), it measures
     * a long-running service: a processor started for the measurement spends its first seconds in the JIT compiler
     * (thousands of Kafka, Jackson and image methods compiled at one tier, then the next), and that start-up would count against every image.
     */
    static Outcome backlog(Session session, int count) throws Exception {
        List<String> ids = queueWhilePaused(session, count);
        session.awaitAll(ids);
        return session.outcome(ids);
    }

    /** Sends {@code count} events while the processor is paused, then resumes it; returns their ids. */
    private static List<String> queueWhilePaused(Session session, int count) {
        int first = session.reserve(count);
        session.pause();
        session.send(first, count, 0);
        session.resume();
        return ids(first, count);
    }

    /** Latency: {@code count} events sent at {@code perSecond} to a running processor, from send to receipt. */
    public static Outcome latency(Session session, double perSecond, int count) throws Exception {
        int first = session.reserve(count);
        Thread producer = new Thread(() -> session.send(first, count, perSecond), "bench-producer");
        producer.start();
        // results are read while events are still being sent: a result's receipt time is its latency's end
        List<String> expected = ids(first, count);
        session.awaitAll(expected);
        producer.join();
        return session.outcome(expected);
    }

    /** Latency of a processor started for this measurement alone; see {@link #latency(Session, double, int)}. */
    public static Outcome latency(String bootstrap, Setup s, double perSecond, Path work) throws Exception {
        try (Session session = Session.open(bootstrap, s, work)) {
            return latency(session, perSecond, s.count());
        }
    }

    /**
     * A running processor with its topics, a producer and a reader of its results: measurements run one after
     * another against it, so a model is loaded and warmed once for several of them.
     */
    public static final class Session implements AutoCloseable {
        private final Setup setup;
        private final String topic;
        private final List<VggService> services;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Collector collector;
        private int next;

        private Session(Setup setup, String topic, List<VggService> services, KafkaProducer<byte[], byte[]> producer,
                        Collector collector) {
            this.setup = setup;
            this.topic = topic;
            this.services = services;
            this.producer = producer;
            this.collector = collector;
        }

        public static Session open(String bootstrap, Setup s, Path work) throws Exception {
            return open(bootstrap, s, work, null);
        }

        /** @param cpu samples taken as results are read, for CPU per image; null: not measured */
        static Session open(String bootstrap, Setup s, Path work, CpuMeter cpu) throws Exception {
            String id = prefix(s);
            createTopics(bootstrap, id, s.partitions());
            List<VggService> services = StreamBench.start(bootstrap, s, id, work);
            KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 0);
            // the first send would otherwise wait for the topic's metadata inside a timed measurement
            producer.partitionsFor(id + ".in");
            return new Session(s, id + ".in", services, producer, new Collector(bootstrap, id + ".out", cpu));
        }

        public Setup setup() {
            return setup;
        }

        /** Numbers {@code count} more events; returns the first number. */
        synchronized int reserve(int count) {
            int first = next;
            next += count;
            return first;
        }

        /** Sends events {@code first .. first+count-1}, paced when {@code perSecond > 0}. */
        void send(int first, int count, double perSecond) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (perSecond > 0) {
                    // a load generator keeps its schedule: this is pacing, not waiting for a condition
                    long wait = start + (long) (i / perSecond * 1e9) - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                StreamBench.send(producer, topic, setup, first + i);
            }
            producer.flush();
        }

        void pause() {
            services.forEach(v -> v.streams().pause());
        }

        void resume() {
            services.forEach(v -> v.streams().resume());
        }

        void awaitAll(List<String> ids) throws Exception {
            collector.awaitAll(ids, Duration.ofMinutes(20));
        }

        /** What the results of these events show (results of other events are left out). */
        Outcome outcome(List<String> ids) {
            return collector.collected().only(new HashSet<>(ids)).outcome(setup.name(), ids);
        }

        @Override
        public void close() {
            collector.close();
            producer.close();
            services.forEach(VggService::close);
        }
    }

    private static List<String> ids(int first, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            ids.add("e" + i);
        }
        return ids;
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

    /** Sends the scenario's events as fast as the producer goes. */
    static List<String> produce(String bootstrap, String topic, Setup s) {
        List<String> ids = new ArrayList<>(s.count());
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, 20)) {
            for (int i = 0; i < s.count(); i++) {
                ids.add(send(p, topic, s, i));
            }
            p.flush();
        }
        return ids;
    }

    /** Event {@code i} of a scenario: id {@code e<i>}, one of several camera keys, the images in turn. */
    private static String send(KafkaProducer<byte[], byte[]> p, String topic, Setup s, int i) {
        String id = "e" + i;
        int sources = Math.max(16, s.partitions() * 4);
        p.send(Payloads.event(topic, s.encoding(), id, "cam-" + (i % sources), s.images().get(i % s.images().size())));
        return id;
    }

    /** @param lingerMs 0 sends each event at once (a measurement is running); more fills larger requests */
    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs),
                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(32 << 20),
                ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L << 20)),
                new ByteArraySerializer(), new ByteArraySerializer());
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
    /** @param cpu a {@link CpuMeter} sample per result, taken when it was read (null entries: not measured) */
    record Collected(List<JsonNode> results, List<Long> receivedNanos, List<Long> latencyMs, Set<String> ids,
                     int duplicates, List<long[]> cpu) {

        /** The results of these ids only, in arrival order. */
        Collected only(Set<String> wanted) {
            List<JsonNode> r = new ArrayList<>();
            List<Long> at = new ArrayList<>();
            List<Long> lat = new ArrayList<>();
            List<long[]> used = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            int dup = 0;
            for (int i = 0; i < results.size(); i++) {
                String id = results.get(i).get("id").asText();
                if (wanted.contains(id)) {
                    if (!seen.add(id)) {
                        dup++;
                    }
                    r.add(results.get(i));
                    at.add(receivedNanos.get(i));
                    lat.add(latencyMs.get(i));
                    used.add(cpu.get(i));
                }
            }
            return new Collected(r, at, lat, seen, dup, used);
        }

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
                    missing.size(), duplicates, percentile(processing, 99),
                    n < 2 ? Double.NaN : (n - 1) / ((receivedNanos.get(n - 1) - receivedNanos.get(0)) / 1e9),
                    cpuMsPerImage(lo, hi));
        }

        /** CPU ms per image of each {@link CpuMeter#PARTS} between results lo and hi. */
        private double[] cpuMsPerImage(int lo, int hi) {
            double[] ms = new double[CpuMeter.PARTS.size()];
            for (int part = 0; part < ms.length; part++) {
                boolean measured = results.size() >= 10 && cpu.get(lo) != null && cpu.get(hi) != null
                        && cpu.get(hi) != cpu.get(lo) && cpu.get(lo)[part] >= 0;
                ms[part] = measured ? (cpu.get(hi)[part] - cpu.get(lo)[part]) / 1e6 / (hi - lo) : Double.NaN;
            }
            return ms;
        }
    }

    static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** Reads results from the beginning of the output topic and keeps them, with receipt times. */
    static final class Collector implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<JsonNode> results = new ArrayList<>();
        private final List<Long> received = new ArrayList<>();
        private final List<Long> latency = new ArrayList<>();
        private final List<long[]> cpu = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();
        private final CpuMeter meter;
        private volatile boolean stopped;
        private int duplicates;

        Collector(String bootstrap, String topic, CpuMeter meter) {
            this.meter = meter;
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            // The broker answers a fetch as soon as a result arrives (fetch.min.bytes 1), so the default long poll
            // costs no latency; a short one made the broker answer empty fetches 100 times a second.
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic,
                    p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        /** Makes a running {@link #awaitAll} return after its current poll. */
        void stop() {
            stopped = true;
        }

        /** Reads until every id in {@code wanted} has a result, the timeout, or {@link #stop()}. */
        void awaitAll(List<String> wanted, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ids.containsAll(wanted) && System.nanoTime() < deadline && !stopped) {
                var records = consumer.poll(Duration.ofMillis(50));
                long[] used = meter == null || records.isEmpty() ? null : meter.sample();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    long now = System.nanoTime();
                    long wallNow = System.currentTimeMillis();
                    JsonNode j = JSON.readTree(r.value());
                    if (!ids.add(j.get("id").asText())) {
                        duplicates++;
                    }
                    results.add(j);
                    received.add(now);
                    latency.add(wallNow - r.timestamp());
                    cpu.add(used);
                }
            }
        }

        Collected collected() {
            return new Collected(results, received, latency, ids, duplicates, cpu);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
