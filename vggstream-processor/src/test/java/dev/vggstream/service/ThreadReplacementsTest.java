package dev.vggstream.service;

import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadReplacementsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ThreadReplacements replacements = new ThreadReplacements(5, now::get);

    @Test
    void aSixthFailureWithinAMinuteStopsTheProcessor() {
        IntStream.range(0, 5).forEach(i -> assertThat(replacements.replace(new IllegalStateException("bug"), true)).isTrue());

        assertThat(replacements.replace(new IllegalStateException("bug"), true)).isFalse();
    }

    @Test
    void failuresSpreadOverMoreThanAMinuteAreAllReplaced() {
        for (int i = 0; i < 20; i++) {
            assertThat(replacements.replace(new IllegalStateException("rare"), true)).isTrue();
            now.addAndGet(15_000);
        }
    }

    @Test
    void threadsThatGaveUpOnKafkaAreReplacedHoweverOftenTheyFail() {
        for (int i = 0; i < 30; i++) {
            assertThat(replacements.replace(new TimeoutException("Task 0_3 did not make progress within 300000 ms"), true))
                    .isTrue();
            assertThat(replacements.replace(new NotEnoughReplicasException("in sync 1 < 2"), true)).isTrue();
            now.addAndGet(1_000);
        }
    }

    @Test
    void kafkaBeingAwayDoesNotUseUpTheAllowanceForRealFaults() {
        IntStream.range(0, 10).forEach(i -> replacements.replace(new TimeoutException("brokers down"), true));
        IntStream.range(0, 5).forEach(i -> assertThat(replacements.replace(new IllegalStateException("bug"), true)).isTrue());

        assertThat(replacements.replace(new IllegalStateException("bug"), true)).isFalse();
    }

    @Test
    void anyFailureWhileTheMonitorSeesKafkaUnusableIsReplacedWithoutCounting() {
        IllegalStateException pending = new IllegalStateException(
                "Cannot attempt operation `send` because the previous call to `commitTransaction` timed out");
        IntStream.range(0, 10).forEach(i -> assertThat(replacements.replace(pending, false)).isTrue());
        IntStream.range(0, 5).forEach(i -> assertThat(replacements.replace(pending, true)).isTrue());

        assertThat(replacements.replace(pending, true)).isFalse();
    }
}
