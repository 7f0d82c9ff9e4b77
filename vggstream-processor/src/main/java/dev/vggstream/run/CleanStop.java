package dev.vggstream.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops the processor once, whoever asks first: a signal, the JVM's shutdown hook, or the command itself; every
 * caller returns when the stop is complete.
 *
 * <p>Why signals are handled here: on SIGTERM the JVM runs its shutdown hooks and then exits with 143 (128 + 15),
 * whatever {@code main} would have returned, so a clean stop looked like a failure to systemd and Kubernetes. With
 * the signal handled, the JVM does not start shutting down by itself: the stop runs, {@code run} returns and
 * {@code main} exits 0.
 */
final class CleanStop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(CleanStop.class);

    private final Runnable stop;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    CleanStop(Runnable stop) {
        this.stop = stop;
    }

    /** Handles these signals (e.g. TERM, INT) by stopping; the waiting command then returns normally. */
    void onSignals(String... names) {
        for (String name : names) {
            try {
                Signal signal = new Signal(name);
                previous.put(signal, Signal.handle(signal, s -> {
                    log.info("SIG{} received: stopping", s.getName());
                    new Thread(this, "vggstream-stop").start();
                }));
            } catch (IllegalArgumentException e) {
                // the JVM reserves it (e.g. with -Xrs): the shutdown hook still stops cleanly, exit code 143
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }

    @Override
    public void run() {
        if (started.compareAndSet(false, true)) {
            try {
                stop.run();
            } finally {
                // a JVM that lives on (tests running the command in process) gets its own handlers back
                previous.forEach(Signal::handle);
                done.countDown();
            }
            return;
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
