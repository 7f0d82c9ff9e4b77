package dev.vggstream.security;

import dev.vggstream.it.ProcessorProcess;
import dev.vggstream.run.ExitCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.it.StreamFixtures;
import dev.vggstream.kafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kafka.*} security settings reach every Kafka client of the processor: {@code vggstream run}, in its own JVM,
 * against a real broker whose only listener it is given is SASL_PLAINTEXT with PLAIN. With the right credentials it
 * creates its topics, reaches RUNNING and classifies images produced over that listener; with wrong ones it stops at
 * once with an authentication error and exit code 4. Its whole output never contains a password, right or wrong.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SaslAuthenticationIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String USER = "vggstream-svc";
    // Distinctive, so finding them anywhere in the output can only be a leak.
    private static final String PASSWORD = "Sasl-Pw-7f3c9e1d-NEVER-LOG";
    private static final String WRONG_PASSWORD = "Wrong-Pw-b81a66c2-NEVER-LOG";
    private static final Duration AUTH_FAILURE_LIMIT = Duration.ofSeconds(60);
    private static final Duration RUNNING_LIMIT = Duration.ofSeconds(120);
    private static final int IMAGES = 12;

    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;
    static Path model;

    @BeforeAll
    static void startBrokerWithSaslListener() throws Exception {
        broker = LocalKafkaBroker.builder().saslPlain(Map.of(USER, PASSWORD)).start();
        model = StreamFixtures.tinyModel(dir, 5);
    }

    @AfterAll
    static void closeBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    // ---- right credentials ------------------------------------------------------------------------------------

    @Test
    void with_sasl_settings_in_the_config_file_the_processor_classifies_images_produced_over_sasl_and_never_prints_the_password()
            throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique("sasl-file");
        Path config = StreamFixtures.config(dir, broker.saslBootstrapServers(), names, model,
                saslSettings(PASSWORD));

        try (ProcessorProcess processor = ProcessorProcess.start(config, Map.of(), log(names))) {
            classifiesOverSasl(processor, names);
        }
    }

    @Test
    void with_sasl_settings_in_environment_variables_the_processor_classifies_images_produced_over_sasl_and_never_prints_the_password()
            throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique("sasl-env");
        // The file names only the SASL listener; the security settings come from the environment alone, so the
        // processor can only get in if the variables reach its clients.
        Path config = StreamFixtures.config(dir, broker.saslBootstrapServers(), names, model, Map.of());

        try (ProcessorProcess processor = ProcessorProcess.start(config, saslEnvironment(PASSWORD), log(names))) {
            classifiesOverSasl(processor, names);
        }
    }

    private void classifiesOverSasl(ProcessorProcess processor, StreamFixtures.Names names) throws Exception {
        processor.awaitRunning(RUNNING_LIMIT);
        assertThat(topicsVisibleOverSasl()).as("the processor created its topics through the SASL listener")
                .contains(names.input(), names.output(), names.dlq());

        List<String> ids = produceOverSasl(names.input(), names.app());
        List<String> answered = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> results = consumeOverSasl(names.output())) {
            await().atMost(Duration.ofSeconds(90)).alias("results for " + ids + "; processor output:\n"
                            + processor.output())
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                            JsonNode j = JSON.readTree(r.value());
                            assertThat(j.get("top")).as("a classification").isNotEmpty();
                            answered.add(j.get("id").asText());
                        }
                        return answered.size() >= ids.size();
                    });
        }
        assertThat(answered).containsExactlyInAnyOrderElementsOf(ids);

        processor.stop(Duration.ofSeconds(60));
        assertThat(processor.output()).as("the output reaches the end of the shutdown").contains(" - stopped");
        assertNoPassword(processor.output());
        assertThat(processor.output()).as("the effective configuration shows that a JAAS config was given, redacted")
                .contains("kafka.sasl.jaas.config = [redacted]");
    }

    // ---- wrong credentials ------------------------------------------------------------------------------------

    @Test
    void a_wrong_password_in_the_config_file_stops_the_processor_within_60_seconds_with_an_authentication_error_and_exit_code_4()
            throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique("sasl-bad-file");
        Path config = StreamFixtures.config(dir, broker.saslBootstrapServers(), names, model,
                saslSettings(WRONG_PASSWORD));

        refusedWithExitCode4("config file", () -> ProcessorProcess.start(config, Map.of(), log(names)));
    }

    @Test
    void a_wrong_password_in_environment_variables_stops_the_processor_within_60_seconds_with_an_authentication_error_and_exit_code_4()
            throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique("sasl-bad-env");
        // the file even holds the right password: the environment wins, and its wrong password is what is used
        Path config = StreamFixtures.config(dir, broker.saslBootstrapServers(), names, model, saslSettings(PASSWORD));

        refusedWithExitCode4("environment",
                () -> ProcessorProcess.start(config, saslEnvironment(WRONG_PASSWORD), log(names)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a JAAS config without its closing semicolon | PlainLoginModule required username=\"vggstream-svc\" password=\"PW\""
                    + " | JAAS config entry not terminated by semi-colon",
            "a JAAS config without a control flag | PlainLoginModule username=\"vggstream-svc\" password=\"PW\";"
                    + " | Invalid login module control flag",
            "no JAAS config at all | | Could not find a 'KafkaClient' entry in the JAAS configuration"})
    void unusable_sasl_settings_stop_the_processor_at_once_with_exit_code_3_naming_the_problem_but_not_the_password(
            String what, String jaas, String problem) throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique("sasl-malformed");
        Map<String, String> settings = new HashMap<>(saslSettings(PASSWORD));
        if (jaas == null) {
            settings.remove("kafka.sasl.jaas.config");
        } else {
            settings.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain." + jaas.replace("PW",
                    PASSWORD));
        }
        Path config = StreamFixtures.config(dir, broker.saslBootstrapServers(), names, model, settings);

        try (ProcessorProcess processor = ProcessorProcess.start(config, Map.of(), log(names))) {
            int exit = processor.waitForExit(AUTH_FAILURE_LIMIT);
            String output = processor.output();
            System.out.printf("%s: exit code %d: %s%n", what, exit, errorLine(output));

            assertThat(exit).as(output).isEqualTo(ExitCodes.CONFIG);
            assertThat(errorLine(output)).as(output).contains("kafka.* settings").contains(problem);
            assertNoPassword(output);
        }
    }

    @Test
    void a_client_without_sasl_settings_against_the_sasl_listener_stops_within_60_seconds_with_exit_code_4()
            throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique("sasl-none");
        Path config = StreamFixtures.config(dir, broker.saslBootstrapServers(), names, model, Map.of());

        long begin = System.nanoTime();
        try (ProcessorProcess processor = ProcessorProcess.start(config, Map.of(), log(names))) {
            int exit = processor.waitForExit(AUTH_FAILURE_LIMIT);
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            String output = processor.output();
            System.out.printf("no SASL settings: exit code %d after %d ms: %s%n", exit, took.toMillis(),
                    errorLine(output));

            assertThat(took).isLessThan(AUTH_FAILURE_LIMIT);
            assertThat(exit).as(output).isEqualTo(ExitCodes.KAFKA);
            assertThat(errorLine(output)).as(output)
                    .contains("cannot reach Kafka at " + broker.saslBootstrapServers())
                    .contains("kafka.security.protocol");
        }
    }

    private interface Starter {
        ProcessorProcess start() throws Exception;
    }

    private void refusedWithExitCode4(String how, Starter starter) throws Exception {
        long begin = System.nanoTime();
        int exit;
        try (ProcessorProcess processor = starter.start()) {
            exit = processor.waitForExit(AUTH_FAILURE_LIMIT);
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            String output = processor.output();
            System.out.printf("wrong password (%s): exit code %d after %d ms: %s%n", how, exit, took.toMillis(),
                    errorLine(output));

            assertThat(took).as("time from start to exit").isLessThan(AUTH_FAILURE_LIMIT);
            assertThat(exit).as(output).isEqualTo(ExitCodes.KAFKA);
            assertThat(errorLine(output)).as(output)
                    .contains("refused our credentials")
                    .containsIgnoringCase("authentication failed")
                    .contains(broker.saslBootstrapServers());
            assertThat(output).as("never got as far as streaming").doesNotContain("Kafka Streams is RUNNING");
            assertNoPassword(output);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Map<String, String> saslSettings(String password) {
        return Map.of(
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.jaas.config", jaas(password));
    }

    private static Map<String, String> saslEnvironment(String password) {
        return Map.of(
                "VGGSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "VGGSTREAM_KAFKA_SASL_MECHANISM", "PLAIN",
                "VGGSTREAM_KAFKA_SASL_JAAS_CONFIG", jaas(password));
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
    }

    private static Map<String, Object> saslClient() {
        return new HashMap<>(broker.saslClientConfig(USER, PASSWORD));
    }

    private static Set<String> topicsVisibleOverSasl() throws Exception {
        try (Admin admin = Admin.create(saslClient())) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> produceOverSasl(String topic, String prefix) throws Exception {
        Map<String, Object> p = saslClient();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < IMAGES; i++) {
                String id = prefix + "-" + i;
                String source = "cam-" + (i % 3);
                byte[] image = dev.vggstream.topology.TestImages.png(20 * i);
                producer.send(i % 2 == 0 ? StreamFixtures.rawEvent(topic, id, source, image)
                        : StreamFixtures.jsonEvent(topic, id, source, image)).get(30, TimeUnit.SECONDS);
                ids.add(id);
            }
        }
        return ids;
    }

    private static KafkaConsumer<byte[], byte[]> consumeOverSasl(String topic) {
        Map<String, Object> p = saslClient();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static Path log(StreamFixtures.Names names) {
        return dir.resolve(names.app() + ".log");
    }

    private static String errorLine(String output) {
        return output.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("(no error line)");
    }

    private static void assertNoPassword(String output) {
        assertThat(output).as("the processor's whole output")
                .isNotBlank()
                .doesNotContain(PASSWORD)
                .doesNotContain(WRONG_PASSWORD)
                // a fragment, in case something prints the secret cut, escaped or re-quoted
                .doesNotContain("7f3c9e1d")
                .doesNotContain("b81a66c2");
    }
}
