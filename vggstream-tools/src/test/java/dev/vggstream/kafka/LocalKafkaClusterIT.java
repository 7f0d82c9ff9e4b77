package dev.vggstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The three-node cluster fixture: replication defaults, leaders, coordinators, and what a node may go through. */
@ExtendWith(KafkaClusterExtension.class)
class LocalKafkaClusterIT {

    private static final Duration HEAL = Duration.ofSeconds(90);

    private final LocalKafkaCluster cluster = KafkaClusterExtension.sharedCluster();

    @AfterEach
    void heal() {
        KafkaClusterExtension.heal();
    }

    @Test
    void aTopicCreatedWithoutSettingsHasThreeReplicasAndMinInSyncReplicasTwo() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("defaults", 4, (short) -1))).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.underReplicated(List.of("defaults")).isEmpty());
            TopicDescription d = admin.describeTopics(List.of("defaults")).allTopicNames().get().get("defaults");
            String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "defaults")))
                    .all().get().values().iterator().next().get("min.insync.replicas").value();

            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            assertThat(minIsr).isEqualTo("2");
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
        }
    }

    @Test
    void aKilledLeaderLosesItsPartitionsAndGetsThemBackInSyncAfterARestartOnItsDataDirectory() throws Exception {
        createTopic("kill-leader", 6);
        int leader = cluster.busiestLeader("kill-leader");
        LocalKafkaBroker node = cluster.node(leader);

        node.kill();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !cluster.leaders("kill-leader").containsValue(leader));
        assertThat(cluster.leaders("kill-leader").values()).doesNotContain(-1);
        node.start();
        cluster.awaitFullIsr(List.of("kill-leader"), HEAL);

        assertThat(cluster.underReplicated(List.of("kill-leader"))).isEmpty();
        assertThat(node.dataDir()).startsWith(cluster.dataDir());
    }

    @Test
    void aFrozenNodeDropsOutOfTheIsrAndRejoinsWhenContinued() throws Exception {
        createTopic("freeze", 3);
        LocalKafkaBroker node = cluster.node(cluster.busiestLeader("freeze"));

        node.suspend();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !cluster.underReplicated(List.of("freeze")).isEmpty());
        assertThat(cluster.leaders("freeze")).doesNotContainValue(node.nodeId());
        node.resume();
        cluster.awaitFullIsr(List.of("freeze"), HEAL);

        assertThat(node.isRunning()).isTrue();
    }

    @Test
    void theGroupAndTransactionCoordinatorsAreFoundAmongTheNodes() throws Exception {
        createTopic("coordinated", 1);
        Map<String, Object> common = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(with(common, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "coordinated-tx"), new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> c = new KafkaConsumer<>(with(common, ConsumerConfig.GROUP_ID_CONFIG,
                     "coordinated-group"), new StringDeserializer(), new StringDeserializer())) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("coordinated", "k", "v")).get();
            p.commitTransaction();
            c.commitSync(Map.of(new TopicPartition("coordinated", 0), new OffsetAndMetadata(1)));

            assertThat(cluster.nodeIds()).contains(cluster.groupCoordinator("coordinated-group"),
                    cluster.transactionCoordinator("coordinated-tx"));
            assertThat(cluster.transactionalIds("coordinated")).containsExactly("coordinated-tx");
        }
    }

    @Test
    void theProcessorsStartCheckNamesTheTopicsWithASingleReplica() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("lonely", 2, (short) 1), new NewTopic("replicated", 2, (short) 3)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        java.util.Properties props = new java.util.Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());

        List<String> warned = dev.vggstream.service.KafkaAdmin.warnUnreplicated(props, List.of("lonely", "replicated"),
                cluster.size(), Duration.ofSeconds(30));

        assertThat(warned).containsExactly("lonely");
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        cluster.awaitFullIsr(List.of(name), HEAL);
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
