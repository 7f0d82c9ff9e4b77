package dev.vggstream.it;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * The independent counter: a read_committed consumer of the output topic on its own thread, reading all the time
 * a test breaks things, so that the moment each result became visible is known (gaps, recovery times).
 */
public final class ResultCounter implements AutoCloseable {

    private final Results results = new Results();
    private final List<Long> arrivals = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stop;

    public ResultCounter(String bootstrap, String topic) {
        thread = new Thread(() -> run(bootstrap, topic), "result-counter");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = StreamFixtures.consumer(bootstrap, topic, true)) {
            while (!stop) {
                var records = c.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                synchronized (this) {
                    records.forEach(r -> {
                        results.add(r);
                        arrivals.add(now);
                    });
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    public synchronized int distinct() {
        return results.distinct();
    }

    public synchronized int duplicates() {
        return results.duplicates();
    }

    public synchronized List<String> lost(Collection<String> sent) {
        return List.copyOf(results.lost(sent));
    }

    /** When the first result at or after {@code nanos} arrived; -1 if none has yet. */
    public synchronized long firstArrivalAfter(long nanos) {
        return arrivals.stream().filter(t -> t >= nanos).findFirst().orElse(-1L);
    }

    /** The longest time between two consecutive result polls that brought something, within [from, to]. */
    public synchronized long longestGapNanos(long from, long to) {
        long longest = 0;
        long previous = from;
        for (long t : arrivals) {
            if (t < from || t > to) {
                continue;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Math.max(longest, to - previous);
    }

    /** Waits until every id in {@code sent} has a result, or the timeout passes. */
    public void awaitAll(Collection<String> sent, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> failure.get() != null || lost(sent).isEmpty());
        } catch (ConditionTimeoutException e) {
            // the caller asserts on what is lost and says which ids
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
        if (failure.get() != null) {
            throw new AssertionError("the counting consumer failed", failure.get());
        }
    }
}
