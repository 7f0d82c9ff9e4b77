package dev.vggstream.service;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
}
