package dev.vggstream.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The buffer survives SIGKILL: images whose offsets the processor has committed, but not yet answered, are
 * answered after a restart. Under exactly_once_v2 a read_committed consumer sees each answer once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KillRecoveryIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int IMAGES = 120;

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = StreamFixtures.tinyModel(dir, 3);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
    void imagesBufferedAfterAnOffsetCommitAreAnsweredAfterSigkill(String guarantee) throws Exception {
        String bootstrap = KafkaBrokerExtension.bootstrapServers();
        StreamFixtures.Names names = StreamFixtures.Names.unique("kill");
        Map<String, String> common = new HashMap<>(Map.of("kafka.processing.guarantee", guarantee,
                "batch.max-in-flight", "1024", "batch.max-size", "1024", "image.decode-threads", "2"));
        // first life: batches never fill and wait a minute, so every image sits in the buffer
        Map<String, String> holding = new HashMap<>(common);
        holding.put("batch.max-wait-ms", "60000");
        Path first = StreamFixtures.config(dir, bootstrap, names, model, holding);
        List<String> ids;
        try (ProcessorProcess p = ProcessorProcess.start(first, Map.of())) {
            p.awaitRunning(Duration.ofSeconds(90));
            assertThat(p.output()).as("frames are decoded in the pool (image.decode-threads=2)").contains("decode pool of");
            System.out.println(java.time.LocalTime.now() + " running; sending");
            ids = StreamFixtures.sendImages(bootstrap, names.input(), "k", IMAGES, 4);
            awaitCommittedOffsets(bootstrap, names.app(), IMAGES);
            System.out.println(java.time.LocalTime.now() + " offsets committed; killing");
            try (KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), false)) {
                assertThat(out.poll(Duration.ofMillis(500))).as("nothing answered before the kill").isEmpty();
            }
            p.kill();
            System.out.println("=== first life (" + guarantee + ") ===\n" + p.output());
        }
        // second life, same application id and state directory: batches flush quickly
        Map<String, String> flowing = new HashMap<>(common);
        flowing.put("batch.max-wait-ms", "10");
        Path second = StreamFixtures.config(dir, bootstrap, names, model, flowing);
        try (ProcessorProcess p = ProcessorProcess.start(second, Map.of());
             KafkaConsumer<byte[], byte[]> out = StreamFixtures.consumer(bootstrap, names.output(), true)) {
            List<ConsumerRecord<byte[], byte[]>> results = StreamFixtures.collect(out,
                    l -> distinctIds(l).size() >= IMAGES, Duration.ofSeconds(120));
            System.out.println(java.time.LocalTime.now() + " all answered");
            List<String> got = ids(results);
            assertThat(distinctIds(results)).as(p.output()).containsExactlyInAnyOrderElementsOf(ids);
            if (guarantee.equals("exactly_once_v2")) {
                // a little longer, so a late duplicate would have time to show
                results.addAll(StreamFixtures.collect(out, l -> false, Duration.ofSeconds(2)));
                assertThat(ids(results)).as("no duplicates under exactly-once").doesNotHaveDuplicates();
            }
            assertThat(got).hasSizeGreaterThanOrEqualTo(IMAGES);
            p.stop(Duration.ofSeconds(60));
            System.out.println("=== second life (" + guarantee + ") ===\n" + p.output());
        }
    }

    static void awaitCommittedOffsets(String bootstrap, String group, long total) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .alias("consumer group " + group + " committed all " + total + " offsets")
                    .until(() -> {
                        Map<?, OffsetAndMetadata> o = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata().get();
                        return o.values().stream().filter(java.util.Objects::nonNull)
                                .filter(m -> true).mapToLong(OffsetAndMetadata::offset).sum() >= total;
                    });
        }
    }

    static List<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> {
            try {
                return JSON.readTree(r.value()).get("id").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    static java.util.Set<String> distinctIds(List<ConsumerRecord<byte[], byte[]>> records) {
        return new java.util.HashSet<>(ids(records));
    }
}
