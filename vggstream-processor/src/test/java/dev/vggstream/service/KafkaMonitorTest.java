package dev.vggstream.service;

import dev.vggstream.config.AppConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaMonitorTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Health health = new Health();
    private final KafkaMonitor monitor = new KafkaMonitor(health, 10_000, now::get);

    @BeforeEach
    void readyProcessor() {
        health.modelReady(true);
        health.streamsState(KafkaStreams.State.RUNNING);
    }

    @Test
    void aBrokerOutageShorterThanTheAllowedTimeLeavesReadinessUpButShowsTheConnectionDown() {
        monitor.observe(false, "no broker answers");
        now.addAndGet(9_999);
        monitor.observe(false, "no broker answers");

        assertThat(health.kafkaConnected()).isFalse();
        assertThat(health.ready()).isTrue();
    }

    @Test
    void kafkaCountsAsUnusableFromTheFirstBadLookAndUsableFromTheFirstGoodOne() {
        monitor.observe(true, "leader not answering: results-0");
        assertThat(health.kafkaUsable()).isFalse();
        assertThat(health.ready()).as("readiness keeps its grace time").isTrue();

        monitor.observe(true, null);
        assertThat(health.kafkaUsable()).isTrue();
    }

    @Test
    void aLongerOutageTakesReadinessDownButNotLiveness() {
        monitor.observe(false, "no broker answers");
        now.addAndGet(10_000);
        monitor.observe(false, "no broker answers");

        assertThat(health.ready()).isFalse();
        assertThat(health.live()).isTrue();
        assertThat(health.kafkaProblem()).startsWith("no broker answers for 10 s");
    }

    @Test
    void readinessComesBackAtTheFirstGoodLook() {
        monitor.observe(false, "no broker answers");
        now.addAndGet(20_000);
        monitor.observe(false, "no broker answers");
        monitor.observe(true, null);

        assertThat(health.ready()).isTrue();
        assertThat(health.kafkaConnected()).isTrue();
        assertThat(health.kafkaProblem()).isNull();
    }

    @Test
    void outputsBelowMinInSyncReplicasCountAsUnusableWhileBrokersStillAnswer() {
        monitor.observe(true, "below min.insync.replicas: out-0 (in sync 1 < 2)");
        now.addAndGet(15_000);
        monitor.observe(true, "below min.insync.replicas: out-0 (in sync 1 < 2)");

        assertThat(health.kafkaConnected()).isTrue();
        assertThat(health.ready()).isFalse();
        assertThat(health.describe()).contains("kafka=below min.insync.replicas");
    }

    @Test
    void aProblemThatChangesKindKeepsItsStartTime() {
        monitor.observe(false, "no broker answers");
        now.addAndGet(6_000);
        monitor.observe(true, "below min.insync.replicas: out-0 (in sync 1 < 2)");
        now.addAndGet(5_000);
        monitor.observe(true, "below min.insync.replicas: out-0 (in sync 1 < 2)");

        assertThat(health.ready()).isFalse();
    }

    @Test
    void withNoAllowedTimeTheFirstBadLookTakesReadinessDown() {
        KafkaMonitor strict = new KafkaMonitor(health, 0, now::get);
        strict.observe(false, "no broker answers");

        assertThat(health.ready()).isFalse();
    }

    @Test
    void thePartitionsWithFewerReplicasInSyncThanTheirTopicsMinimumAreNamed() {
        TopicDescription results = topic("results", partition(0, n1, n1, n2, n3), partition(1, n1, n1));
        TopicDescription changelog = topic("app-image-buffer-changelog", partition(0, n2, n2));

        List<String> below = KafkaMonitor.belowMinIsr(List.of(results, changelog),
                Map.of("results", 2, "app-image-buffer-changelog", 2)::get);

        assertThat(below).containsExactly("results-1 (in sync 1 < 2)", "app-image-buffer-changelog-0 (in sync 1 < 2)");
    }

    @Test
    void aPartitionWithoutLeaderIsBelowItsMinimumWhateverItsIsrSays() {
        TopicDescription results = topic("results", partition(0, null, n1, n2, n3));

        assertThat(KafkaMonitor.belowMinIsr(List.of(results), t -> 1)).containsExactly("results-0 (in sync 3 < 1)");
    }

    @Test
    void aTopicWhoseMinimumIsOneIsFineWithASingleReplicaInSync() {
        TopicDescription results = topic("results", partition(0, n3, n3));

        assertThat(KafkaMonitor.belowMinIsr(List.of(results), t -> 1)).isEmpty();
    }

    @Test
    void theMonitorWatchesTheBufferChangelogBesideTheResultsAndDeadLetters() {
        AppConfig c = AppConfig.defaults().with("kafka.application.id", "cams").with("topics.output", "labels")
                .with("topics.dlq", "labels.dlq");

        assertThat(Settings.writtenTopics(c))
                .containsExactly("labels", "labels.dlq", "cams-image-buffer-changelog");
    }

    @Test
    void silentLeadersMakeKafkaUnusableEvenWhenEveryIsrLooksFull() {
        assertThat(KafkaMonitor.verdict(List.of(), List.of("results-0", "results-3")))
                .isEqualTo("leader not answering: results-0, results-3");
    }

    @Test
    void bothKindsOfTroubleAreNamedAndNoTroubleIsNoVerdict() {
        assertThat(KafkaMonitor.verdict(List.of("results-1 (in sync 1 < 2)"), List.of("results-0")))
                .isEqualTo("below min.insync.replicas: results-1 (in sync 1 < 2); leader not answering: results-0");
        assertThat(KafkaMonitor.verdict(List.of(), List.of())).isNull();
    }

    private final Node n1 = new Node(1, "127.0.0.1", 9001);
    private final Node n2 = new Node(2, "127.0.0.1", 9002);
    private final Node n3 = new Node(3, "127.0.0.1", 9003);

    private static TopicDescription topic(String name, TopicPartitionInfo... partitions) {
        return new TopicDescription(name, false, List.of(partitions));
    }

    /** A partition replicated on every node in sync, {@code leader} (null: none) leading. */
    private TopicPartitionInfo partition(int id, Node leader, Node... isr) {
        return new TopicPartitionInfo(id, leader, List.of(n1, n2, n3), List.of(isr));
    }
}
