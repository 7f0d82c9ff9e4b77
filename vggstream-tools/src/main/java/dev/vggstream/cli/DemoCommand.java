package dev.vggstream.cli;

import dev.vggstream.demo.DemoData;
import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.bench.BenchModels;
import dev.vggstream.config.AppConfig;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.kafka.LocalKafka;
import dev.vggstream.kafka.LocalKafkaBroker;
import dev.vggstream.metrics.Observability;
import dev.vggstream.service.Health;
import dev.vggstream.service.VggService;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vggstream demo}: the whole pipeline on this machine with nothing installed: a real Kafka broker (its own
 * JVM, loopback, temporary directory), a small model, a few dozen sample images published as camera events, the
 * processor classifying them in batches, every result printed as it arrives, a summary, and a clean exit.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run everything locally: Kafka broker, processor, sample images; print results and a summary.")
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INPUT = "images";
    private static final String OUTPUT = "classifications";
    private static final String DLQ = "images.dlq";

    @Option(names = "--guarantee", defaultValue = "at_least_once",
            description = "at_least_once or exactly_once_v2 (default at_least_once)")
    String guarantee;

    @Option(names = "--batch-size", defaultValue = "8", description = "batch.max-size (default 8)")
    int batchSize;

    @Option(names = "--batch-wait-ms", defaultValue = "50", description = "batch.max-wait-ms (default 50)")
    long batchWaitMs;

    @Option(names = "--cameras", defaultValue = "4", description = "Sources the samples are spread over (default 4)")
    int cameras;

    @Option(names = "--nodes", defaultValue = "1", description = "Kafka nodes; 3 gives a replicated cluster "
            + "(replication factor 3, min.insync.replicas 2) (default 1)")
    int nodes;

    @Option(names = "--keep", description = "After the summary, keep the broker, the processor and its live view "
            + "up until Ctrl-C, and keep the temporary directory (broker data, model, samples)")
    boolean keep;

    @Option(names = "--http-port", defaultValue = "0", description = "Port of the live view and metrics on "
            + "127.0.0.1 (default 0: a free port, printed)")
    int httpPort;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("vggstream-demo-");
        long t0 = System.nanoTime();
        try {
            out.println("vggstream demo (working directory " + work + ")");
            out.flush();
            DemoData data = DemoData.prepare(work.resolve("assets"));
            out.printf("model: %s; %d sample images%s%n", data.modelDescription(), data.samples().size(),
                    data.labels().isEmpty() ? "" : " with known labels");
            if (nodes < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be at least 1");
            }
            try (LocalKafka broker = step(out, nodes == 1 ? "starting Kafka (KRaft, own JVM)"
                            : "starting a Kafka cluster of " + nodes + " nodes (KRaft, a JVM each)",
                    () -> LocalKafka.start(nodes, LocalKafkaBroker.builder().dataDir(work.resolve("kafka"))))) {
                AppConfig config = config(broker.bootstrapServers(), data.model(), work);
                Health health = new Health();
                try (Observability observability = Observability.start(config.http(), health);
                     VggService service = step(out, "starting the processor (model load + warm-up)",
                             () -> VggService.start(config, health, observability.listeners()))) {
                    observability.attach(service.streams());
                    observability.viewUrl().ifPresent(url -> out.println("live view: " + url));
                    if (!service.awaitRunning(Duration.ofSeconds(60))) {
                        throw new CliException(ExitCodes.FAILED, "the processor did not reach RUNNING: "
                                + service.health().describe());
                    }
                    Summary s = stream(out, broker.bootstrapServers(), data);
                    s.print(out, data);
                    if (keep) {
                        keepUp(out, broker.bootstrapServers(), observability);
                    }
                }
                out.println("stopping the processor and Kafka ...");
                out.flush();
            }
            out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return ExitCodes.OK;
        } finally {
            if (!keep) {
                BenchModels.deleteTree(work);
            } else {
                out.println("kept " + work);
            }
            out.flush();
        }
    }

    private AppConfig config(String bootstrap, Path model, Path work) {
        Map<String, String> c = new HashMap<>();
        c.put("kafka.bootstrap.servers", bootstrap);
        c.put("kafka.application.id", "vggstream-demo");
        c.put("kafka.processing.guarantee", guarantee);
        c.put("kafka.state.dir", work.resolve("streams-state").toString());
        c.put("topics.input", INPUT);
        c.put("topics.output", OUTPUT);
        c.put("topics.dlq", DLQ);
        c.put("topics.partitions", "4");
        c.put("model.path", model.toString());
        c.put("model.poll-interval-ms", "0");
        c.put("batch.max-size", Integer.toString(batchSize));
        c.put("batch.max-wait-ms", Long.toString(batchWaitMs));
        c.put("http.enabled", "true");
        c.put("http.host", "127.0.0.1");
        c.put("http.port", Integer.toString(httpPort));
        // the samples are the project's own pictures: nothing private to hide
        c.put("http.view.thumbnails", "true");
        try {
            return AppConfig.defaults().with(c);
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** Blocks until the JVM is stopped (Ctrl-C); the broker's own shutdown hook then stops its process. */
    private static void keepUp(PrintWriter out, String bootstrap, Observability observability)
            throws InterruptedException {
        out.printf("%nkept up until Ctrl-C: Kafka at %s (topics %s, %s, %s), live view at %s%n", bootstrap, INPUT,
                OUTPUT, DLQ, observability.viewUrl().orElse("(disabled)"));
        out.println("try: ./vggstream produce --bootstrap-servers " + bootstrap + " --topic " + INPUT + " IMAGES...");
        out.flush();
        new CountDownLatch(1).await();
    }

    private Summary stream(PrintWriter out, String bootstrap, DemoData data) throws Exception {
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
        Summary s = new Summary(started);
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

    interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T step(PrintWriter out, String what, Step<T> s) throws Exception {
        out.print(what + " ... ");
        out.flush();
        long t = System.nanoTime();
        T result = s.run();
        out.printf(Locale.ROOT, "done (%.1f s)%n", (System.nanoTime() - t) / 1e9);
        out.flush();
        return result;
    }

    /** What the demo saw, for the closing summary. */
    static final class Summary {
        private final long started;
        private final List<Double> endToEndMs = new ArrayList<>();
        private final List<Double> processingMs = new ArrayList<>();
        private double batches;
        private int results;
        private int deadLetters;
        private int correct;
        private int labelled;
        private long last;

        Summary(long started) {
            this.started = started;
        }

        int answered() {
            return results + deadLetters;
        }

        void result(PrintWriter out, JsonNode r, Map<String, Long> sentAt, Map<String, String> labels) {
            long now = System.nanoTime();
            last = now;
            String id = r.get("id").asText();
            JsonNode best = r.get("top").get(0);
            int batch = r.get("batchSize").asInt();
            results++;
            batches += 1.0 / Math.max(1, batch);
            Long sent = sentAt.get(id);
            if (sent != null) {
                endToEndMs.add((now - sent) / 1e6);
            }
            processingMs.add(r.get("latencyMs").get("total").asDouble());
            String truth = labels.get(id);
            String verdict = "";
            if (truth != null) {
                labelled++;
                boolean ok = truth.equalsIgnoreCase(best.get("label").asText());
                correct += ok ? 1 : 0;
                verdict = ok ? "  correct" : "  (is " + truth + ")";
            }
            out.printf(Locale.ROOT, "  %-6s %-24s -> %-12s %5.1f%%  batch %2d  %6.1f ms%s%n", r.get("source").asText(),
                    id, best.get("label").asText(), 100 * best.get("probability").asDouble(), batch,
                    r.get("latencyMs").get("total").asDouble(), verdict);
            out.flush();
        }

        void deadLetter(PrintWriter out, ConsumerRecord<byte[], byte[]> r, Map<String, Long> sentAt) {
            last = System.nanoTime();
            deadLetters++;
            String id = header(r, EventHeaders.ID);
            out.printf("  dead letter %-24s %s at %s: %s%n", id == null ? "(json event)" : id,
                    header(r, EventHeaders.ERROR_REASON), header(r, EventHeaders.ERROR_STAGE),
                    header(r, EventHeaders.ERROR_MESSAGE));
            out.flush();
        }

        static String header(ConsumerRecord<byte[], byte[]> r, String key) {
            var h = r.headers().lastHeader(key);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        void print(PrintWriter out, DemoData data) {
            double seconds = (last - started) / 1e9;
            out.println();
            out.printf(Locale.ROOT, "summary: %d images: %d classified, %d dead letters%n", answered(), results,
                    deadLetters);
            out.printf(Locale.ROOT, "  batches %.0f, mean batch size %.1f%n", batches,
                    batches == 0 ? 0 : results / batches);
            out.printf(Locale.ROOT, "  throughput %.1f images/s (first send to last answer, %.2f s)%n",
                    answered() / seconds, seconds);
            out.printf(Locale.ROOT, "  latency end to end p50 %.1f ms, p99 %.1f ms; in the processor p50 %.1f ms, "
                    + "p99 %.1f ms%n", percentile(endToEndMs, 50), percentile(endToEndMs, 99),
                    percentile(processingMs, 50), percentile(processingMs, 99));
            if (labelled > 0) {
                out.printf(Locale.ROOT, "  accuracy %d/%d = %.1f%% (%s)%n", correct, labelled,
                        100.0 * correct / labelled, data.modelDescription());
            }
            out.flush();
        }

        static double percentile(List<Double> values, int p) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(Double::compare);
            int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }
    }
}
