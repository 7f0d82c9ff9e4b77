package dev.vggstream.it;

import dev.vggstream.event.EventHeaders;
import dev.vggstream.kafka.KafkaBrokerExtension;
import dev.vggstream.kafka.LocalKafkaBroker;
import dev.vggstream.topology.TestImages;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Processes that die, brokers that restart, instances that come and go, models that fail or crawl. */
@ExtendWith(KafkaBrokerExtension.class)
class FaultToleranceIT {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = StreamFixtures.tinyModel(dir, 3);
    }

    @Test
    void theProcessorRecoversByItselfWhenTheBrokerRestartsMidStream(
            @KafkaBrokerExtension.Dedicated LocalKafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("brk");
        Path cfg = StreamFixtures.config(dir, bootstrap, names, model, Map.of("batch.max-wait-ms", "20"));
        try (ProcessorProcess p = ProcessorProcess.start(cfg, Map.of())) {
            p.awaitRunning(Duration.ofSeconds(120));
            List<String> first = StreamFixtures.sendImages(bootstrap, names.input(), "before", 300, 4);
            broker.stop();
            broker.restart();
            List<String> second = StreamFixtures.sendImages(bootstrap, names.input(), "after", 300, 4);
            List<String> all = new ArrayList<>(first);
            all.addAll(second);
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true)) {
                Results r = new Results().readUntilAll(out, all, Duration.ofSeconds(120));
                assertThat(r.lost(all)).as("lost ids; processor log:\n" + p.output()).isEmpty();
            }
            assertThat(p.isAlive()).isTrue();
            // SIGTERM: a clean stop (the JVM reports 128 + 15 after its shutdown hooks ran)
            assertThat(p.stop(Duration.ofSeconds(60))).isEqualTo(143);
            assertThat(p.output()).contains("stopped");
        }
    }

    @Test
    void aSecondInstanceJoinsThenTheFirstLeavesGracefullyThenOneIsKilledAndNothingIsLostOrReordered()
            throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("reb");
        Map<String, String> common = Map.of("kafka.processing.guarantee", "exactly_once_v2", "batch.max-wait-ms", "20");
        Path cfgA = StreamFixtures.config(Files.createDirectories(dir.resolve("a")), bootstrap, names, model, common);
        Path cfgB = StreamFixtures.config(Files.createDirectories(dir.resolve("b")), bootstrap, names, model, common);
        Path cfgC = StreamFixtures.config(Files.createDirectories(dir.resolve("c")), bootstrap, names, model, common);
        ProcessorProcess a = ProcessorProcess.start(cfgA, Map.of());
        ProcessorProcess b = null;
        ProcessorProcess c = null;
        try {
            a.awaitRunning(Duration.ofSeconds(120));
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true);
                 PacedProducer producer = new PacedProducer(bootstrap, names.input(), "rb", 2400, 80, 8)) {
                Results r = new Results();
                r.readFor(out, Duration.ofSeconds(3));
                b = ProcessorProcess.start(cfgB, Map.of());           // joins: partitions are shared
                b.awaitLine(l -> l.contains("Kafka Streams is RUNNING"), Duration.ofSeconds(120));
                r.readFor(out, Duration.ofSeconds(3));
                assertThat(a.stop(Duration.ofSeconds(60))).as("graceful leave").isEqualTo(143);
                r.readFor(out, Duration.ofSeconds(3));
                c = ProcessorProcess.start(cfgC, Map.of());           // a third one joins ...
                c.awaitLine(l -> l.contains("Kafka Streams is RUNNING"), Duration.ofSeconds(120));
                r.readFor(out, Duration.ofSeconds(2));
                b.kill();                                             // ... and the second dies
                List<String> sent = producer.finish(600_000);
                r.readUntilAll(out, sent, Duration.ofSeconds(180)).readFor(out, Duration.ofSeconds(2));
                assertThat(r.lost(sent)).as("lost ids").isEmpty();
                assertThat(r.duplicates()).as("duplicates for a read_committed consumer").isZero();
                r.offsetsByPartition().forEach((partition, offsets) ->
                        assertThat(offsets).as("input offsets of partition %d in result order", partition).isSorted());
            }
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void imagesOnWhichTheModelFailsAreDeadLetteredAndTheirBatchMatesClassified() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("poison");
        Path poisonModel = FaultModels.poison(dir.resolve("poison-model"), 13);
        Path cfg = StreamFixtures.config(dir, bootstrap, names, poisonModel,
                Map.of("batch.max-size", "8", "batch.max-wait-ms", "200"));
        try (ProcessorProcess p = ProcessorProcess.start(cfg, Map.of())) {
            p.awaitRunning(Duration.ofSeconds(120));
            List<String> good = new ArrayList<>();
            List<String> poison = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = StreamFixtures.producer(bootstrap)) {
                for (int i = 0; i < 64; i++) {
                    int red = i % 8 == 3 ? 13 : 100 + i;
                    String id = (red == 13 ? "poison-" : "good-") + i;
                    (red == 13 ? poison : good).add(id);
                    producer.send(StreamFixtures.rawEvent(names.input(), id, "cam-" + (i % 2),
                            TestImages.solid(red, 32, "png")));
                }
            }
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true);
                 KafkaConsumer<byte[], byte[]> dlq = StreamFixtures.consumer(bootstrap, names.dlq(), true)) {
                Results r = new Results().readUntilAll(out, good, Duration.ofSeconds(60));
                assertThat(r.lost(good)).isEmpty();
                assertThat(r.all()).allSatisfy(j -> assertThat(j.get("id").asText()).startsWith("good-"));
                List<ConsumerRecord<byte[], byte[]>> dead = StreamFixtures.collect(dlq,
                        l -> l.size() >= poison.size(), Duration.ofSeconds(30));
                assertThat(dead).extracting(d -> header(d, EventHeaders.ID))
                        .containsExactlyInAnyOrderElementsOf(poison);
                assertThat(dead).allSatisfy(d -> assertThat(header(d, EventHeaders.ERROR_STAGE)).isEqualTo("inference"));
            }
            assertThat(p.output()).contains("retrying them one by one");
        }
    }

    @Test
    void aBatchSlowerThanTheTransactionTimeoutDoesNotWedgeExactlyOnce() throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("slow");
        Path slowModel = FaultModels.slow(dir.resolve("slow-model"), 1024, 200);
        Path cfg = StreamFixtures.config(dir, bootstrap, names, slowModel, Map.of(
                "kafka.processing.guarantee", "exactly_once_v2",
                "kafka.producer.transaction.timeout.ms", "1000",
                "batch.max-size", "8", "batch.max-wait-ms", "10", "batch.max-in-flight", "8",
                "inference.warmup", "false"));
        try (ProcessorProcess p = ProcessorProcess.start(cfg, Map.of())) {
            p.awaitRunning(Duration.ofSeconds(120));
            long t0 = System.nanoTime();
            List<String> ids = StreamFixtures.sendImages(bootstrap, names.input(), "slow", 24, 4);
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true)) {
                Results r = new Results().readUntilAll(out, ids, Duration.ofSeconds(240))
                        .readFor(out, Duration.ofSeconds(2));
                double inferenceMs = r.all().stream().mapToDouble(j -> j.get("latencyMs").get("inference").asDouble())
                        .max().orElse(0);
                System.out.printf("slow model: longest batch %.0f ms against a 1000 ms transaction timeout; "
                        + "all %d answered in %.1f s%n", inferenceMs, ids.size(), (System.nanoTime() - t0) / 1e9);
                assertThat(inferenceMs).as("the model really is slower than the transaction timeout")
                        .isGreaterThan(1000);
                assertThat(r.lost(ids)).as("lost; log:\n" + p.output()).isEmpty();
                assertThat(r.duplicates()).isZero();
            }
            assertThat(p.isAlive()).isTrue();
            assertThat(p.output()).doesNotContain("ProducerFencedException").doesNotContain("stream threads keep failing");
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
