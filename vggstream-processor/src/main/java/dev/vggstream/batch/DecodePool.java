package dev.vggstream.batch;

import dev.vggstream.image.ImageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes and prepares images off the stream threads ({@code image.decode-threads}), so that the frames of one
 * partition use every core: a stream thread hands a frame over and goes on reading; a pool thread prepares it and
 * submits it to the {@link BatchDispatcher}. The task still forwards outcomes in its own order from its
 * {@link Mailbox}, so results keep the partition's order whichever frame is ready first.
 *
 * <p>The hand-over takes room in the dispatcher first ({@link BatchDispatcher#reserve()}): a frame being decoded
 * counts against {@code batch.max-in-flight} like one waiting for inference. A frame that cannot be prepared
 * (refused, or a bug) gets a failed outcome in its task's mailbox and gives its room back: the task dead-letters it
 * alone, in its place.
 *
 * <p>A watchdog gives a frame that is still being prepared after {@code image.decode-timeout-ms} of its thread's
 * CPU time (or ten times that of wall-clock time, for a thread blocked rather than computing) a TIMEOUT outcome.
 * Its thread cannot be stopped (a native decoder, say), so it is abandoned: whatever it produces later is dropped,
 * it ends when it returns, and a new thread takes its place while fewer than {@link #MAX_ABANDONED} abandoned ones
 * are still running. Past that the pool runs short; with no thread left, frames that waited longer than the
 * timeout for one time out too, so a task never waits forever.
 *
 * <p>The pool touches no state store: a closed task's mailbox is cancelled, and its frames, queued or in work, are
 * dropped with their room (they stay in the task's changelogged buffer for its next owner).
 */
public final class DecodePool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecodePool.class);

    /** Abandoned (hung) threads still alive beyond which no replacement is started: bounds what hangs cost. */
    static final int MAX_ABANDONED = 4;
    /**
     * A frame times out when its thread has spent the timeout in CPU time on it, so a frame that is slow only
     * because the machine is overloaded (a 4K frame waiting for a core) is not dead-lettered; a thread that is
     * blocked rather than computing is declared hung after this many timeouts of wall-clock time.
     */
    static final int BLOCKED_FACTOR = 10;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int SETTLED = 2;

    private final BatchDispatcher dispatcher;
    private final Step step;
    private final long timeoutNanos;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicInteger abandonedAlive = new AtomicInteger();
    private final AtomicInteger names = new AtomicInteger();
    private final Thread watchdog;
    private volatile boolean closed;

    /** One frame handed over. Its state moves once from RUNNING (or QUEUED) to SETTLED: one outcome per frame. */
    private static final class Job {
        final long seq;
        final byte[] image;
        final long receivedMs;
        final long receivedNanos;
        final Mailbox mailbox;
        final long queuedAt = System.nanoTime();
        final AtomicInteger state = new AtomicInteger(QUEUED);
        volatile long startedAt;
        volatile long startedCpu;

        Job(long seq, byte[] image, long receivedMs, long receivedNanos, Mailbox mailbox) {
            this.seq = seq;
            this.image = image;
            this.receivedMs = receivedMs;
            this.receivedNanos = receivedNanos;
            this.mailbox = mailbox;
        }

        boolean settle(int from) {
            return state.compareAndSet(from, SETTLED);
        }
    }

    /** What preparing one image is: the served model's pipeline, or a stand-in that is slow or hangs (tests). */
    @FunctionalInterface
    public interface Step {
        Step PIPELINE = (model, image, dst) -> model.pipeline().prepare(image, dst, 0);

        void prepare(ServedModel model, byte[] image, float[] dst) throws ImageException;
    }

    private DecodePool(BatchDispatcher dispatcher, int threads, long timeoutMs, Step step) {
        if (threads < 1 || timeoutMs < 1) {
            throw new IllegalArgumentException("a decode pool needs at least one thread and a timeout");
        }
        this.dispatcher = dispatcher;
        this.step = step;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (int i = 0; i < threads; i++) {
            startWorker();
        }
        watchdog = new Thread(this::watch, "vggstream-decode-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** A pool of {@code threads} preparing images for {@code dispatcher}'s model, each within {@code timeoutMs}. */
    public static DecodePool start(BatchDispatcher dispatcher, int threads, long timeoutMs) {
        return new DecodePool(dispatcher, threads, timeoutMs, Step.PIPELINE);
    }

    /** A pool whose threads run {@code step} for each image instead of the model's pipeline. */
    public static DecodePool start(BatchDispatcher dispatcher, int threads, long timeoutMs, Step step) {
        return new DecodePool(dispatcher, threads, timeoutMs, step);
    }

    /** The size {@code image.decode-threads} defaults to: one thread per core. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Hands image {@code seq} of {@code mailbox}'s task over, after taking its room in the dispatcher (waiting as
     * {@link BatchDispatcher#submit} does). Its outcome, or why it failed, arrives in {@code mailbox}.
     */
    public void submit(long seq, byte[] image, long receivedMs, long receivedNanos, Mailbox mailbox) {
        dispatcher.reserve();
        if (closed) {
            dispatcher.unreserve();
            return;
        }
        queue.add(new Job(seq, image, receivedMs, receivedNanos, mailbox));
    }

    /** Threads preparing frames now or waiting for one, not counting abandoned ones. */
    public int liveThreads() {
        return workers.size();
    }

    /** Abandoned threads (hung past the timeout) that have not returned yet. */
    public int abandonedThreads() {
        return abandonedAlive.get();
    }

    private void startWorker() {
        Worker w = new Worker();
        Thread t = new Thread(w, "vggstream-decode-" + names.incrementAndGet());
        t.setDaemon(true);
        workers.add(w);
        t.start();
    }

    /** A pool thread: takes frames until the pool closes or the watchdog abandons it. */
    private final class Worker implements Runnable {
        volatile Job current;
        volatile boolean abandoned;
        volatile long threadId;

        @Override
        public void run() {
            threadId = Thread.currentThread().getId();
            try {
                while (!closed && !abandoned) {
                    Job j = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (j != null) {
                        work(j);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (abandoned) {
                    abandonedAlive.decrementAndGet();
                } else {
                    workers.remove(this);
                }
            }
        }

        private void work(Job j) {
            if (j.mailbox.isCancelled() || closed) {
                if (j.settle(QUEUED)) {
                    dispatcher.unreserve();
                }
                return;
            }
            j.startedAt = System.nanoTime();
            j.startedCpu = THREADS.getCurrentThreadCpuTime();
            if (!j.state.compareAndSet(QUEUED, RUNNING)) {
                return; // timed out while queued (no thread was left)
            }
            current = j;
            try {
                prepare(j);
            } finally {
                current = null;
            }
        }
    }

    private void prepare(Job j) {
        Throwable failure;
        try {
            ServedModel model = dispatcher.source().peek();
            float[] pixels = new float[model.spec().floats()];
            step.prepare(model, j.image, pixels);
            if (j.settle(RUNNING)) {
                dispatcher.submitReserved(new Pending(j.seq, j.image, model.spec(), pixels, j.receivedMs,
                        j.receivedNanos, j.mailbox));
            }
            return;
        } catch (ImageException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            // a bug met by one frame costs that frame only; the pool thread carries on
            log.warn("unexpected error preparing an image in the decode pool: dead-lettered with reason UNEXPECTED "
                    + "(please report it)", e);
            failure = e;
        }
        if (j.settle(RUNNING)) {
            fail(j, failure);
        }
    }

    /** Delivers {@code error} as {@code j}'s outcome and gives its room back; the caller settled {@code j}. */
    private void fail(Job j, Throwable error) {
        j.mailbox.deliver(Outcome.unprepared(j.seq, error));
        dispatcher.unreserve();
    }

    // ---- watchdog ------------------------------------------------------------------------------------------------

    private void watch() {
        long periodMs = Math.max(5, Math.min(1_000, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 4));
        while (!closed) {
            try {
                Thread.sleep(periodMs); // a scan a quarter of the timeout apart: a frame times out within 1.25x
            } catch (InterruptedException e) {
                return;
            }
            timeOutHung(System.nanoTime());
            if (workers.isEmpty()) {
                timeOutQueued(System.nanoTime());
            }
        }
    }

    private void timeOutHung(long now) {
        for (Worker w : workers) {
            Job j = w.current;
            if (j != null && hung(w, j, now) && j.settle(RUNNING)) {
                fail(j, timeout("preparing it took longer than " + timeoutMs() + " ms of CPU time (image.decode-"
                        + "timeout-ms), or blocked 10 times that; its decode thread was abandoned"));
                w.abandoned = true;
                abandonedAlive.incrementAndGet();
                workers.remove(w);
                replace();
            }
        }
    }

    /** Past the timeout in CPU time on the frame, or blocked for {@link #BLOCKED_FACTOR} timeouts of wall time. */
    private boolean hung(Worker w, Job j, long now) {
        long wall = now - j.startedAt;
        if (wall <= timeoutNanos) {
            return false;
        }
        long cpuNow = THREADS.getThreadCpuTime(w.threadId);
        if (j.startedCpu < 0 || cpuNow < 0) {
            return true; // no thread CPU clock here: wall-clock time is all there is
        }
        return cpuNow - j.startedCpu > timeoutNanos || wall > BLOCKED_FACTOR * timeoutNanos;
    }

    private void replace() {
        if (closed) {
            return;
        }
        if (abandonedAlive.get() <= MAX_ABANDONED) {
            log.warn("an image hung in the decode pool past {} ms: dead-lettered (TIMEOUT), its thread abandoned "
                    + "and replaced ({} abandoned threads still running)", timeoutMs(), abandonedAlive.get());
            startWorker();
        } else {
            log.error("an image hung in the decode pool past {} ms: dead-lettered (TIMEOUT); {} abandoned threads "
                    + "still running, so no replacement: {} decode threads left", timeoutMs(), abandonedAlive.get(),
                    workers.size());
        }
    }

    /** With no thread left, frames waiting longer than the timeout would wait forever: they time out. */
    private void timeOutQueued(long now) {
        List<Job> expired = new ArrayList<>();
        for (Job j : queue) {
            if (now - j.queuedAt > timeoutNanos) {
                expired.add(j);
            }
        }
        for (Job j : expired) {
            if (queue.remove(j) && j.settle(QUEUED)) {
                fail(j, timeout("it waited " + timeoutMs() + " ms (image.decode-timeout-ms) for a decode thread "
                        + "and every one is hung"));
            }
        }
    }

    private long timeoutMs() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }

    private static ImageException timeout(String why) {
        return new ImageException(ImageException.Reason.TIMEOUT, "image not prepared: " + why);
    }

    /** Stops the threads; frames still queued give their room back (they are still in their tasks' buffers). */
    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        Job j;
        while ((j = queue.poll()) != null) {
            if (j.settle(QUEUED)) {
                dispatcher.unreserve();
            }
        }
    }
}
