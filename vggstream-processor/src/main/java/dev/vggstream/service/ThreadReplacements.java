package dev.vggstream.service;

import org.apache.kafka.common.errors.RetriableException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether a stream thread that died of an uncaught exception is replaced or the processor stops. Threads failing
 * more often than a limit per minute mean a real fault (a bug, a poisoned state): stop. But a thread that gave up on
 * Kafka (its root cause a timeout or another retriable error: brokers down, partitions below min ISR for longer than
 * {@code task.timeout.ms} or {@code max.block.ms}) is always replaced and not counted: a restart cures no broker
 * outage, and the processor must be there, waiting, when Kafka comes back. So is a thread that fails while the
 * {@link KafkaMonitor} sees Kafka unusable, whatever the exception.
 */
final class ThreadReplacements {

    private final int maxPerMinute;
    private final LongSupplier clockMs;
    private final Deque<Long> recent = new ArrayDeque<>();

    ThreadReplacements(int maxPerMinute, LongSupplier clockMs) {
        this.maxPerMinute = maxPerMinute;
        this.clockMs = clockMs;
    }

    /**
     * True: replace the thread; false: too many failures in the last minute, stop.
     *
     * @param kafkaUsable whether the processor's last look at the cluster found it usable: a failure while it is
     *                    not (e.g. Streams' "commitTransaction timed out and must be retried" state, an
     *                    IllegalStateException) is Kafka being away too
     */
    synchronized boolean replace(Throwable rootCause, boolean kafkaUsable) {
        if (!kafkaUsable || kafkaAway(rootCause)) {
            return true;
        }
        long now = clockMs.getAsLong();
        recent.addLast(now);
        while (!recent.isEmpty() && now - recent.peekFirst() > TimeUnit.MINUTES.toMillis(1)) {
            recent.pollFirst();
        }
        return recent.size() <= maxPerMinute;
    }

    /** Kafka unreachable or not accepting writes yet: the client said the same request may succeed later. */
    static boolean kafkaAway(Throwable rootCause) {
        return rootCause instanceof RetriableException;
    }
}
