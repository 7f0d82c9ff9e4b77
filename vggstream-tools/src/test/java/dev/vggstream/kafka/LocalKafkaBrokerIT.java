package dev.vggstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.vggstream.kafka.KafkaBrokerExtension.Dedicated;
import dev.vggstream.kafka.LocalKafkaBroker.BrokerStartException;
import dev.vggstream.kafka.LocalKafkaBroker.TopicSpec;

@ExtendWith(KafkaBrokerExtension.class)
class LocalKafkaBrokerIT {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);
    private static final String STARTED = "BROKER-STARTED";

    @Test
    void producedRecordsAreConsumedBack(LocalKafkaBroker broker) {
        broker.createTopics(TopicSpec.of("round-trip", 3));
        List<String> sent = List.of("cat.jpg", "dog.jpg", "ship.jpg", "plane.jpg");

        produce(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), "round-trip", sent);

        assertThat(consume(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), "round-trip", sent.size()))
                .containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void sharedBrokerIsTheSameForEveryTestOfTheJvm(LocalKafkaBroker broker) {
        assertThat(broker).isSameAs(KafkaBrokerExtension.sharedBroker());
        assertThat(KafkaBrokerExtension.bootstrapServers()).isEqualTo(broker.bootstrapServers());
        assertThat(broker.isRunning()).isTrue();
    }

    @Test
    void createTopicsAppliesPartitionsAndConfigsAndLeavesExistingTopicsAlone(LocalKafkaBroker broker) throws Exception {
        TopicSpec images = TopicSpec.of("images-created-once", 2).withConfig("max.message.bytes", "5242880");
        broker.createTopics(images);
        broker.createTopics(images, TopicSpec.of("images-created-once", 7), TopicSpec.of("predictions-created-with-it", 1));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin
                    .describeTopics(List.of("images-created-once", "predictions-created-with-it"))
                    .allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(topics.get("images-created-once").partitions()).hasSize(2);
            assertThat(topics.get("predictions-created-with-it").partitions()).hasSize(1);

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "images-created-once");
            Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("max.message.bytes").value()).isEqualTo("5242880");
        }
    }

    @Test
    void recordsUpToMessageMaxBytesAreAcceptedAndLargerOnesRejected(LocalKafkaBroker broker) throws Exception {
        broker.createTopics(TopicSpec.of("large-images", 1));
        int limit = KafkaBrokerExtension.SHARED_MESSAGE_MAX_BYTES;
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                // let the broker, not the producer, be the one that refuses
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * limit,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            // five times Kafka's 1 MB default, within the configured limit
            byte[] accepted = new byte[5 * 1024 * 1024];
            assertThat(producer.send(new ProducerRecord<>("large-images", accepted)).get(30, TimeUnit.SECONDS).serializedValueSize())
                    .isEqualTo(accepted.length);

            byte[] tooLarge = new byte[limit + 1024];
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("large-images", tooLarge)).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RecordTooLargeException.class);
        }

        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<ConsumerRecord<byte[], byte[]>> records = pollAll(consumer, "large-images", 1);
            assertThat(records).singleElement().satisfies(record -> assertThat(record.value()).hasSize(5 * 1024 * 1024));
        }
    }

    @Test
    void brokerRestartedOnSameDataDirectoryKeepsItsRecords(@Dedicated LocalKafkaBroker broker) {
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        broker.createTopics(TopicSpec.of("survives-restarts", 2));
        produce(producerConfig, "survives-restarts", List.of("before-stop-1", "before-stop-2"));

        broker.restart();
        produce(producerConfig, "survives-restarts", List.of("before-kill"));

        long pid = broker.pid();
        broker.kill();
        assertThat(broker.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid)).isEmpty();

        broker.restart();
        assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
        assertThat(broker.pid()).isNotEqualTo(pid);
        assertThat(consume(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), "survives-restarts", 3))
                .containsExactlyInAnyOrder("before-stop-1", "before-stop-2", "before-kill");
    }

    @Test
    void dataDirectoryGivenByTheCallerOutlivesItsBrokerAndServesTheNextOne(@TempDir Path parent) {
        Path dataDir = parent.resolve("kept");
        try (LocalKafkaBroker first = LocalKafkaBroker.builder().dataDir(dataDir).start()) {
            first.createTopics(TopicSpec.of("kept-topic", 1));
            produce(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()), "kept-topic", List.of("kept-record"));
        }
        assertThat(dataDir.resolve("kafka-logs").resolve("meta.properties")).isRegularFile();
        assertThat(dataDir.resolve("broker.log")).isRegularFile();

        // a new broker picks new ports, as a restarted `vggstream broker` would
        try (LocalKafkaBroker second = LocalKafkaBroker.builder().dataDir(dataDir).start()) {
            assertThat(consume(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()), "kept-topic", 1))
                    .containsExactly("kept-record");
        }
    }

    @Test
    void saslListenerAcceptsRightCredentialsAndRejectsWrongOnes() {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder()
                .saslPlain(Map.of("alice", "alice-secret", "bob", "bob \"quoted\" secret"))
                .start()) {
            broker.createTopics(TopicSpec.of("sasl-topic", 1));

            produce(broker.saslClientConfig("alice", "alice-secret"), "sasl-topic", List.of("from-alice"));
            assertThat(consume(broker.saslClientConfig("bob", "bob \"quoted\" secret"), "sasl-topic", 1))
                    .containsExactly("from-alice");

            assertAuthenticationFailsQuickly(broker.saslClientConfig("alice", "wrong-password"));
            assertAuthenticationFailsQuickly(broker.saslClientConfig("mallory", "alice-secret"));
        }
    }

    @Test
    void brokerThatCannotStartReportsWhy() throws IOException {
        Path dataDir;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             LocalKafkaBroker broker = LocalKafkaBroker.builder().port(taken.getLocalPort()).build()) {
            dataDir = broker.dataDir();

            assertThatThrownBy(broker::start)
                    .isInstanceOfSatisfying(BrokerStartException.class, e -> {
                        assertThat(e.logFile()).isEqualTo(broker.logFile());
                        assertThat(e.logTail()).contains("Address already in use");
                    })
                    .hasMessageContaining(broker.logFile().toString())
                    .hasMessageContaining("Address already in use");
            assertThat(broker.isRunning()).isFalse();
        }
        // closing removes a temporary data directory, broker log and all
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void brokerStopsWhenTheJvmThatStartedItIsTerminated(@TempDir Path workDir) throws Exception {
        Path output = workDir.resolve("parent.out");
        Process parent = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), BrokerStartingJvm.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        long brokerPid = -1;
        try {
            String started = await().atMost(Duration.ofSeconds(90))
                    .until(() -> startedLine(output, parent), line -> !line.isEmpty());
            String[] fields = started.split(" ", 3);
            brokerPid = Long.parseLong(fields[1]);
            Path brokerDataDir = Path.of(fields[2]);
            assertThat(ProcessHandle.of(brokerPid)).hasValueSatisfying(broker -> assertThat(broker.isAlive()).isTrue());

            parent.destroy();

            assertThat(parent.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // the parent's shutdown hook stops the broker before the parent exits
            assertThat(ProcessHandle.of(brokerPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(brokerDataDir).doesNotExist();
        } finally {
            parent.destroyForcibly();
            ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Runs in a JVM of its own: starts a broker, says so, and waits to be terminated. */
    static final class BrokerStartingJvm {

        public static void main(String[] args) throws InterruptedException {
            LocalKafkaBroker broker = LocalKafkaBroker.builder().start();
            System.out.println(STARTED + " " + broker.pid() + " " + broker.dataDir());
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }

    /** The line announcing the broker, or "" while there is none; fails if the parent died first. */
    private static String startedLine(Path output, Process parent) throws IOException {
        // decoded leniently: the file may end in the middle of a character while it is being written
        List<String> lines = Files.exists(output)
                ? new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines().toList()
                : List.of();
        String started = lines.stream().filter(line -> line.startsWith(STARTED + " ")).findFirst().orElse("");
        if (started.isEmpty() && !parent.isAlive()) {
            throw new AssertionError("the broker-starting JVM exited with " + parent.exitValue() + ":\n" + String.join("\n", lines));
        }
        return started;
    }

    private static void assertAuthenticationFailsQuickly(Map<String, Object> clientConfig) {
        long begin = System.nanoTime();
        try (Admin admin = Admin.create(clientConfig)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SaslAuthenticationException.class);
        }
        // rejected at the handshake, not after retrying until a timeout
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
    }

    private static void produce(Map<String, Object> clientConfig, String topic, List<String> values) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value, value)).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + topic, e);
        }
    }

    private static List<String> consume(Map<String, Object> clientConfig, String topic, int count) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            return pollAll(consumer, topic, count).stream().map(ConsumerRecord::value).toList();
        }
    }

    /** Reads every partition from the beginning, without a group, until {@code count} records arrived. */
    private static <K, V> List<ConsumerRecord<K, V>> pollAll(KafkaConsumer<K, V> consumer, String topic, int count) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, CONSUME_TIMEOUT).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<ConsumerRecord<K, V>> received = new ArrayList<>();
        // the consumer must not be touched from Awaitility's own polling thread
        await().atMost(CONSUME_TIMEOUT).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            return received.size() >= count;
        });
        assertThat(received).hasSize(count);
        return received;
    }
}
