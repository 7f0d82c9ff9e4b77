package dev.vggstream.it;

import dev.vggstream.topology.TestImages;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** Publishes numbered image events at a steady rate on its own thread, like a camera fleet, while a test breaks things. */
public final class PacedProducer implements AutoCloseable {

    private final Thread thread;
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    public PacedProducer(String bootstrap, String topic, String prefix, int count, double perSecond, int sources) {
        thread = new Thread(() -> run(bootstrap, topic, prefix, count, perSecond, sources), "paced-producer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String bootstrap, String topic, String prefix, int count, double perSecond, int sources) {
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = StreamFixtures.producer(bootstrap)) {
            for (int i = 0; i < count && !stop; i++) {
                // pacing a load generator, not waiting for a condition
                long due = start + (long) (i / perSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String id = prefix + "-" + i;
                byte[] image = TestImages.png(i % 256);
                String source = "cam-" + (i % sources);
                p.send(i % 2 == 0 ? StreamFixtures.rawEvent(topic, id, source, image)
                        : StreamFixtures.jsonEvent(topic, id, source, image), (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                sent.add(id);
            }
            p.flush();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Waits until everything is sent (and acknowledged). */
    public List<String> finish(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
        if (thread.isAlive()) {
            throw new AssertionError("producer did not finish within " + timeoutMs + " ms");
        }
        if (failure.get() != null) {
            throw new AssertionError("producer failed", failure.get());
        }
        return List.copyOf(sent);
    }

    public boolean done() {
        return !thread.isAlive();
    }

    public int sentSoFar() {
        return sent.size();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
    }
}
