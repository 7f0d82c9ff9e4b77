package dev.vggstream.service;

import dev.vggstream.config.AppConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationTest {

    @Test
    void unsetTheFactorIsThreeOnAClusterOfThreeOrMoreWithMinInSyncReplicasTwo() {
        assertThat(Replication.resolve(OptionalInt.empty(), 3)).isEqualTo(new Replication((short) 3, OptionalInt.of(2)));
        assertThat(Replication.resolve(OptionalInt.empty(), 7)).isEqualTo(new Replication((short) 3, OptionalInt.of(2)));
    }

    @Test
    void unsetTheFactorFollowsASmallerClusterAndLeavesMinInSyncReplicasToTheBroker() {
        assertThat(Replication.resolve(OptionalInt.empty(), 1)).isEqualTo(new Replication((short) 1, OptionalInt.empty()));
        assertThat(Replication.resolve(OptionalInt.empty(), 2)).isEqualTo(new Replication((short) 2, OptionalInt.empty()));
    }

    @Test
    void aConfiguredFactorWinsOverTheClusterSize() {
        assertThat(Replication.resolve(OptionalInt.of(1), 5).factor()).isEqualTo((short) 1);
        assertThat(Replication.resolve(OptionalInt.of(5), 5)).isEqualTo(new Replication((short) 5, OptionalInt.of(2)));
    }

    @Test
    void theTopicsTheProcessorCreatesGetTheFactorAndMinInSyncReplicas() {
        AppConfig c = AppConfig.defaults().with(Map.of("topics.input", "in", "topics.output", "out", "topics.dlq", "dl"));
        var specs = Settings.topicSpecs(c, Replication.resolve(OptionalInt.empty(), 3));

        assertThat(specs).extracting(KafkaAdmin.TopicSpec::name).containsExactly("in", "out", "dl");
        assertThat(specs).allSatisfy(t -> {
            assertThat(t.replicationFactor()).isEqualTo((short) 3);
            assertThat(t.configs()).containsEntry("min.insync.replicas", "2");
        });
        assertThat(specs.get(0).configs()).containsKey("max.message.bytes");
    }

    @Test
    void streamsInternalTopicsAreReplicatedAndProducersWaitForAllReplicas() {
        Properties p = StreamsProperties.of(AppConfig.defaults(), Replication.resolve(OptionalInt.empty(), 3));

        assertThat(p).containsEntry("replication.factor", "3")
                .containsEntry("topic.min.insync.replicas", "2")
                .containsEntry("producer.acks", "all");
    }

    @Test
    void kafkaKeysTheOperatorSetAreLeftAsTheyAre() {
        AppConfig c = AppConfig.defaults().with(Map.of("kafka.replication.factor", "2",
                "kafka.topic.min.insync.replicas", "1", "kafka.acks", "1"));
        Properties p = StreamsProperties.of(c, Replication.resolve(OptionalInt.empty(), 3));

        assertThat(p).containsEntry("replication.factor", "2").containsEntry("topic.min.insync.replicas", "1")
                .containsEntry("acks", "1").doesNotContainKey("producer.acks");
    }

    @Test
    void onASingleBrokerNothingAsksForMoreReplicasThanThereAre() {
        Properties p = StreamsProperties.of(AppConfig.defaults(), Replication.resolve(OptionalInt.empty(), 1));

        assertThat(p).containsEntry("replication.factor", "1").doesNotContainKey("topic.min.insync.replicas");
    }
}
