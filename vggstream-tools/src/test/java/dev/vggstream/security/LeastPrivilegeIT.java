package dev.vggstream.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.it.ProcessorProcess;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.cli.VggStreamCommand;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.it.StreamFixtures;
import dev.vggstream.kafka.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ACLs of docs/security.md are enough and each is needed. One broker with the KRaft {@code StandardAuthorizer}
 * ({@code allow.everyone.if.no.acl.found=false}); its unauthenticated listener, used for the broker's own traffic
 * and by this test as the administrator, is the only super user ({@code User:ANONYMOUS}). The processor connects
 * over SASL/PLAIN as {@code User:vggstream}, holding exactly the listed ACLs for its application id:
 * <ul>
 *   <li>with all of them it classifies every image and dead-letters the bad one, under exactly_once_v2 (in its own
 *   JVM, stopped by SIGTERM) and at_least_once (in this JVM);</li>
 *   <li>with any one of them removed (a fresh application id and topics per case) {@code vggstream run} stops at
 *   start with exit code 4 and an error naming the missing operation and resource;</li>
 *   <li>another principal can neither read its results nor write its input until it is granted that itself.</li>
 * </ul>
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LeastPrivilegeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "vggstream";
    private static final String OTHER = "intruder";
    private static final String SERVICE_PASSWORD = "svc-pw-a41c";
    private static final String OTHER_PASSWORD = "other-pw-77d0";
    private static final int IMAGES = 6;
    private static final Duration REFUSAL_LIMIT = Duration.ofSeconds(45);

    @TempDir
    static Path dir;
    static LocalKafkaBroker broker;
    static Admin admin;
    static Path model;

    @BeforeAll
    static void startBrokerWithAuthorizer() throws Exception {
        broker = LocalKafkaBroker.builder()
                .saslPlain(Map.of(SERVICE, SERVICE_PASSWORD, OTHER, OTHER_PASSWORD))
                .serverProperty("authorizer.class.name",
                        "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .serverProperty("super.users", "User:ANONYMOUS")
                .serverProperty("allow.everyone.if.no.acl.found", "false")
                // a busy build machine has been seen to need more than the default minute
                .startTimeout(Duration.ofMinutes(3))
                .start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        model = StreamFixtures.tinyModel(dir, 5);
    }

    @AfterAll
    static void closeBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** One ACL of docs/security.md, split to one operation per binding so that each can be taken away alone. */
    record Grant(String row, ResourceType type, PatternType pattern, String name, AclOperation operation) {

        AclBinding binding(String principal) {
            return new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
        }

        /** How the refusal must name it: the operation and the resource. */
        String operationName() {
            return operation.name();
        }

        @Override
        public String toString() {
            return row + ": " + operation + " on " + type + " " + pattern + " " + name;
        }
    }

    /** Exactly the list of docs/security.md for these names. */
    static List<Grant> grants(StreamFixtures.Names n, boolean exactlyOnce) {
        String prefix = n.app() + "-";
        List<Grant> g = new ArrayList<>(List.of(
                new Grant("1 input", ResourceType.TOPIC, PatternType.LITERAL, n.input(), AclOperation.READ),
                new Grant("2 group", ResourceType.GROUP, PatternType.LITERAL, n.app(), AclOperation.READ),
                new Grant("3 output", ResourceType.TOPIC, PatternType.LITERAL, n.output(), AclOperation.WRITE),
                new Grant("4 dlq", ResourceType.TOPIC, PatternType.LITERAL, n.dlq(), AclOperation.WRITE),
                new Grant("5 internal", ResourceType.TOPIC, PatternType.PREFIXED, prefix, AclOperation.CREATE),
                new Grant("5 internal", ResourceType.TOPIC, PatternType.PREFIXED, prefix, AclOperation.READ),
                new Grant("5 internal", ResourceType.TOPIC, PatternType.PREFIXED, prefix, AclOperation.WRITE)));
        if (exactlyOnce) {
            g.add(new Grant("6 transactional ids", ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, prefix,
                    AclOperation.WRITE));
        }
        return g;
    }

    // ---- all the ACLs: everything classified ------------------------------------------------------------------

    @Test
    void under_exactly_once_the_processor_holding_exactly_the_documented_acls_classifies_everything_and_exits_0_on_sigterm()
            throws Exception {
        StreamFixtures.Names names = prepare("acl-eos", true);
        Path config = config(names, "exactly_once_v2");

        try (ProcessorProcess processor = ProcessorProcess.start(config, Map.of(), dir.resolve(names.app() + ".log"))) {
            processor.awaitRunning(Duration.ofSeconds(90));
            classifiesEverything(names, true, processor::output);
            int exit = processor.stop(Duration.ofSeconds(60));
            assertThat(exit).as("exit code after SIGTERM; output:\n" + processor.output()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void under_at_least_once_the_processor_holding_the_documented_acls_without_transactional_ids_classifies_everything()
            throws Exception {
        StreamFixtures.Names names = prepare("acl-alos", false);
        Path config = config(names, "at_least_once");

        InProcess run = InProcess.start(config);
        try {
            classifiesEverything(names, false, run::err);
        } finally {
            run.stop();
        }
    }

    // ---- one ACL removed: exit 4 naming it --------------------------------------------------------------------

    static Stream<Integer> eachGrant() {
        return IntStream.range(0, grants(StreamFixtures.Names.unique("x"), true).size()).boxed();
    }

    @ParameterizedTest(name = "without grant {0}")
    @MethodSource("eachGrant")
    void without_any_one_of_the_documented_acls_the_processor_stops_at_start_with_exit_code_4_naming_what_is_missing(
            int index) throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique("acl-no" + index);
        Grant removed = grants(names, true).get(index);
        prepare(names, Set.of(index), true);
        Path config = config(names, "exactly_once_v2");

        long begin = System.nanoTime();
        CliResult r = CliResult.run("run", "--config", config.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        System.out.printf("without %s: exit %d after %d ms: %s%n", removed, r.exit(), took.toMillis(), r.errorLine());

        assertThat(r.exit()).as("exit code without " + removed + "; stderr:\n" + r.err()).isEqualTo(ExitCodes.KAFKA);
        assertThat(r.errorLine()).as("the error names the operation and the resource")
                .contains(removed.operationName())
                .contains(removed.type().name())
                .contains(removed.name());
        assertThat(took).as("time to stop").isLessThan(REFUSAL_LIMIT);
    }

    // ---- another principal --------------------------------------------------------------------------------

    @Test
    void another_principal_can_neither_read_the_results_nor_write_the_input_until_granted_its_own_acls()
            throws Exception {
        StreamFixtures.Names names = prepare("acl-other", false);
        String resultId;
        try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(broker.bootstrapServers())) {
            resultId = "result-" + names.app();
            p.send(new ProducerRecord<>(names.output(), resultId.getBytes(StandardCharsets.UTF_8))).get(30,
                    TimeUnit.SECONDS);
        }

        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(client(OTHER, OTHER_PASSWORD),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(names.input(), new byte[] {1})).get(30,
                    TimeUnit.SECONDS)).as("writing the input").hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> c = otherConsumer(names.output())) {
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10))).as("reading the results")
                    .isInstanceOf(TopicAuthorizationException.class);
        }

        admin.createAcls(List.of(new Grant("reader", ResourceType.TOPIC, PatternType.LITERAL, names.output(),
                AclOperation.READ).binding(OTHER))).all().get(30, TimeUnit.SECONDS);
        try (KafkaConsumer<byte[], byte[]> c = otherConsumer(names.output())) {
            List<ConsumerRecord<byte[], byte[]>> got = StreamFixtures.collect(c, l -> !l.isEmpty(),
                    Duration.ofSeconds(30));
            assertThat(got).as("with its own READ grant").extracting(r -> new String(r.value(),
                    StandardCharsets.UTF_8)).containsExactly(resultId);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Fresh names, their topics, and all the service's ACLs for them. */
    private static StreamFixtures.Names prepare(String prefix, boolean exactlyOnce) throws Exception {
        StreamFixtures.Names names = StreamFixtures.Names.unique(prefix);
        prepare(names, Set.of(), exactlyOnce);
        return names;
    }

    /** Topics created by the administrator, and the service's ACLs for them but those at the indexes {@code without}. */

    private static void prepare(StreamFixtures.Names names, Set<Integer> without, boolean exactlyOnce)
            throws Exception {
        admin.createTopics(List.of(new NewTopic(names.input(), 2, (short) 1),
                new NewTopic(names.output(), 2, (short) 1), new NewTopic(names.dlq(), 2, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        List<Grant> all = grants(names, exactlyOnce);
        List<AclBinding> bindings = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!without.contains(i)) {
                bindings.add(all.get(i).binding(SERVICE));
            }
        }
        admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        // the authorizer applies new ACLs through the metadata log: wait until the broker reports them
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.describeAcls(
                org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get().containsAll(bindings));
    }

    private static Path config(StreamFixtures.Names names, String guarantee) throws Exception {
        return StreamFixtures.config(dir, broker.saslBootstrapServers(), names, model, Map.of(
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.jaas.config", jaas(SERVICE, SERVICE_PASSWORD),
                "kafka.processing.guarantee", guarantee,
                "topics.partitions", "2"));
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static Map<String, Object> client(String user, String password) {
        Map<String, Object> p = new HashMap<>(broker.saslClientConfig(user, password));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    private static KafkaConsumer<byte[], byte[]> otherConsumer(String topic) {
        Map<String, Object> p = new HashMap<>(broker.saslClientConfig(OTHER, OTHER_PASSWORD));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    /** Produces images and one non-image as the administrator; every image gets a result, the other a dead letter. */
    private static void classifiesEverything(StreamFixtures.Names names, boolean readCommitted,
                                             java.util.function.Supplier<String> output) throws Exception {
        List<String> ids = StreamFixtures.sendImages(broker.bootstrapServers(), names.input(), names.app(), IMAGES, 3);
        String bad = names.app() + "-bad";
        try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(broker.bootstrapServers())) {
            p.send(StreamFixtures.rawEvent(names.input(), bad, "cam-x", "not an image".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<byte[], byte[]> results = StreamFixtures.consumer(broker.bootstrapServers(),
                names.output(), readCommitted);
             KafkaConsumer<byte[], byte[]> dead = StreamFixtures.consumer(broker.bootstrapServers(), names.dlq(),
                     readCommitted)) {
            List<ConsumerRecord<byte[], byte[]>> got = StreamFixtures.collect(results, l -> l.size() >= IMAGES,
                    Duration.ofSeconds(90));
            List<String> answered = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : got) {
                JsonNode j = JSON.readTree(r.value());
                assertThat(j.get("top")).as("a classification").isNotEmpty();
                answered.add(j.get("id").asText());
            }
            assertThat(answered).as("results; processor output:\n" + output.get())
                    .containsExactlyInAnyOrderElementsOf(ids);
            List<ConsumerRecord<byte[], byte[]>> letters = StreamFixtures.collect(dead, l -> !l.isEmpty(),
                    Duration.ofSeconds(30));
            assertThat(letters).as("dead letters").hasSize(1);
            assertThat(new String(letters.get(0).headers().lastHeader(EventHeaders.ID).value(),
                    StandardCharsets.UTF_8)).isEqualTo(bad);
        }
    }

    /** {@code vggstream run} in this JVM, its stderr kept. */
    record CliResult(int exit, String err) {
        static CliResult run(String... args) {
            StringWriter err = new StringWriter();
            CommandLine cl = VggStreamCommand.commandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            int code = cl.execute(args);
            return new CliResult(code, err.toString());
        }

        String errorLine() {
            return err.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("(no error line)");
        }
    }

    /** The processor service in this JVM (no exit code to observe, so no CLI). */
    static final class InProcess {
        private final dev.vggstream.service.VggService service;

        private InProcess(dev.vggstream.service.VggService service) {
            this.service = service;
        }

        static InProcess start(Path config) throws Exception {
            dev.vggstream.config.AppConfig c = dev.vggstream.config.AppConfig.load(config, Map.of());
            dev.vggstream.service.VggService s = dev.vggstream.service.VggService.start(c,
                    new dev.vggstream.service.Health(), dev.vggstream.service.VggService.Listeners.none());
            assertThat(s.awaitRunning(Duration.ofSeconds(90))).as("RUNNING; fatal: " + s.fatal()).isTrue();
            return new InProcess(s);
        }

        String err() {
            return "(in this JVM; see the test log) fatal=" + service.fatal();
        }

        void stop() {
            service.close();
        }
    }
}
