package dev.vggstream.batch;

import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.inference.BatchClassifier;
import dev.vggstream.inference.ModelInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Forms batches across every stream task and thread of an instance and runs them on the model: a batch runs when
 * {@link BatchSettings#maxSize()} images wait or the oldest has waited {@link BatchSettings#maxWaitMs()}, whichever
 * comes first. With many partitions each task sees few images, but the batch is shared, so it still fills.
 *
 * <p>Tasks {@link #submit} prepared images and collect outcomes from their {@link Mailbox}. In ASYNC mode a single
 * worker thread runs the model, so stream threads keep consuming, decoding and committing while a batch runs.
 * In INLINE mode there is no thread: batches run in the caller's thread when full or on {@link #poll(long)},
 * which is how a TopologyTestDriver test controls time.
 *
 * <p>An image that fails inside a batch must not fail the others: a batch that throws is run again image by image,
 * and only the images that fail alone get a failed outcome.
 */
public final class BatchDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchDispatcher.class);
    private static final long OVER_ADMIT_LOG_EVERY_MS = 10_000;

    public enum Mode { ASYNC, INLINE }

    private final ModelSource source;
    private final BatchSettings settings;
    private final BatchListener listener;
    private final LongSupplier clockMs;
    private final LatencyClock latency;
    private final Mode mode;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition room = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final ReentrantLock runLock = new ReentrantLock();
    private final Thread worker;
    private int inFlight;
    private long overAdmitted;
    private long lastOverAdmitLog;
    private boolean closed;
    private float[] buffer = new float[0];

    private BatchDispatcher(ModelSource source, BatchSettings settings, BatchListener listener, LongSupplier clockMs,
                            LatencyClock latency, Mode mode) {
        this.source = source;
        this.settings = settings;
        this.listener = listener;
        this.clockMs = clockMs;
        this.latency = latency;
        this.mode = mode;
        this.worker = mode == Mode.ASYNC ? new Thread(this::workLoop, "vggstream-inference") : null;
        if (worker != null) {
            worker.setDaemon(true);
            worker.start();
        }
    }

    public static BatchDispatcher async(ModelSource source, BatchSettings settings, BatchListener listener) {
        return new BatchDispatcher(source, settings, listener, System::currentTimeMillis, LatencyClock.SYSTEM,
                Mode.ASYNC);
    }

    /**
     * No thread: batches run in the caller's thread, due when the caller's time says (tests); latencies are read
     * from {@code clockMs}, the one clock of this dispatcher.
     */
    public static BatchDispatcher inline(ModelSource source, BatchSettings settings, BatchListener listener,
                                         LongSupplier clockMs) {
        return new BatchDispatcher(source, settings, listener, clockMs, LatencyClock.ofMillis(clockMs),
                Mode.INLINE);
    }

    public BatchSettings settings() {
        return settings;
    }

    public ModelSource source() {
        return source;
    }

    /** The clock of every latency: tasks read it on receipt and when they forward a result. */
    public LatencyClock latencyClock() {
        return latency;
    }

    /**
     * Admits an image. When {@link BatchSettings#maxInFlight()} images are already admitted, waits for a batch to
     * finish, but no longer than {@link BatchSettings#maxBlockMs()}: then admits anyway, because a stream thread
     * must get back to its commits. Images submitted after {@link #close()} are ignored; they are still in their
     * task's buffer.
     */
    public void submit(Pending p) {
        enqueue(p, false);
    }

    // ---- reservations: room taken before the image is prepared (the decode pool) ---------------------------------

    /**
     * Takes room for one image that is not prepared yet, waiting as {@link #submit} does: an image being decoded
     * counts against {@link BatchSettings#maxInFlight()} like one waiting for inference. The caller then either
     * {@link #submitReserved submits} it or {@link #unreserve releases} the room, exactly once.
     */
    public void reserve() {
        lock.lock();
        try {
            awaitRoom();
            inFlight++;
            listener.inFlight(inFlight);
        } finally {
            lock.unlock();
        }
    }

    /** Submits an image whose room {@link #reserve} took; after close or a cancel the room is given back. */
    public void submitReserved(Pending p) {
        enqueue(p, true);
    }

    /** Gives back the room of a reserved image that will not be submitted (refused, timed out, cancelled). */
    public void unreserve() {
        release(1);
    }

    private void enqueue(Pending p, boolean reserved) {
        boolean runNow;
        lock.lock();
        try {
            if (closed || p.mailbox().isCancelled()) {
                if (reserved) {
                    inFlight--;
                    listener.inFlight(inFlight);
                    room.signalAll();
                }
                return;
            }
            if (!reserved) {
                awaitRoom();
                inFlight++;
                listener.inFlight(inFlight);
            }
            queue.addLast(p);
            work.signal();
            runNow = mode == Mode.INLINE && queue.size() >= settings.maxSize();
        } finally {
            lock.unlock();
        }
        if (runNow) {
            // inline time is whatever the caller says; the image just submitted carries it
            poll(p.receivedMs());
        }
    }

    private void awaitRoom() {
        long remaining = TimeUnit.MILLISECONDS.toNanos(settings.maxBlockMs());
        while (inFlight >= settings.maxInFlight() && !closed && remaining > 0 && mode == Mode.ASYNC) {
            try {
                remaining = room.awaitNanos(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight >= settings.maxInFlight()) {
            overAdmitted++;
            long now = clockMs.getAsLong();
            if (mode == Mode.ASYNC && now - lastOverAdmitLog >= OVER_ADMIT_LOG_EVERY_MS) {
                lastOverAdmitLog = now;
                log.warn("inference is slower than the stream: {} images in flight (limit {}); admitted {} beyond "
                        + "the limit so far rather than block a stream thread longer than {} ms", inFlight,
                        settings.maxInFlight(), overAdmitted, settings.maxBlockMs());
            }
        }
    }

    /** Runs every batch that is due at {@code nowMs} (INLINE mode); ASYNC mode's worker needs no help. */
    public void poll(long nowMs) {
        if (mode != Mode.INLINE) {
            return;
        }
        List<Pending> batch;
        while ((batch = takeIfDue(nowMs)) != null) {
            run(batch, nowMs);
        }
    }

    /** Drops a closed task's queued images and discards its late outcomes. */
    public void cancel(Mailbox mailbox) {
        mailbox.cancel();
        lock.lock();
        try {
            int before = queue.size();
            queue.removeIf(p -> p.mailbox() == mailbox);
            inFlight -= before - queue.size();
            listener.inFlight(inFlight);
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Images admitted and not yet classified. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Images admitted beyond {@link BatchSettings#maxInFlight()} because the model was slower than the stream. */
    public long overAdmitted() {
        lock.lock();
        try {
            return overAdmitted;
        } finally {
            lock.unlock();
        }
    }

    private List<Pending> takeIfDue(long nowMs) {
        lock.lock();
        try {
            if (queue.isEmpty()) {
                return null;
            }
            boolean full = queue.size() >= settings.maxSize();
            boolean old = nowMs - queue.peekFirst().receivedMs() >= settings.maxWaitMs();
            return full || old ? take() : null;
        } finally {
            lock.unlock();
        }
    }

    private List<Pending> take() {
        int n = Math.min(settings.maxSize(), queue.size());
        List<Pending> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(queue.pollFirst());
        }
        return batch;
    }

    private void workLoop() {
        while (true) {
            List<Pending> batch = awaitBatch();
            if (batch == null) {
                return;
            }
            try {
                run(batch, clockMs.getAsLong());
            } catch (Throwable t) {
                // run() handles model failures; this is a bug or an Error. Never let the worker die with images
                // waiting: fail them so their tasks can dead-letter them, and carry on.
                log.error("inference batch failed unexpectedly", t);
                for (Pending p : batch) {
                    p.mailbox().deliver(Outcome.failure(p, t, null, 0, 0));
                }
                release(batch.size());
            }
        }
    }

    private List<Pending> awaitBatch() {
        lock.lock();
        try {
            while (!closed) {
                if (queue.isEmpty()) {
                    work.awaitUninterruptibly();
                    continue;
                }
                long now = clockMs.getAsLong();
                long waited = now - queue.peekFirst().receivedMs();
                if (queue.size() >= settings.maxSize() || waited >= settings.maxWaitMs()) {
                    return take();
                }
                try {
                    work.await(settings.maxWaitMs() - waited, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    // only close() ends the worker: an interrupt (from model code, say) must not strand the queue
                    log.warn("the inference worker was interrupted while the dispatcher is open; carrying on");
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void run(List<Pending> batch, long startMs) {
        runLock.lock();
        try {
            runBatch(batch, startMs);
        } finally {
            runLock.unlock();
        }
        release(batch.size());
    }

    private void release(int n) {
        lock.lock();
        try {
            inFlight -= n;
            listener.inFlight(inFlight);
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void runBatch(List<Pending> batch, long start) {
        try (ModelSource.Lease lease = source.acquire()) {
            runBatch(batch, lease.model(), start);
        }
    }

    private void runBatch(List<Pending> batch, ServedModel served, long startMs) {
        long start = latency.nanos();
        BatchClassifier classifier = served.classifier();
        ModelInfo model = classifier.info();
        ImageSpec spec = served.spec();
        ImagePipeline pipeline = served.pipeline();
        int floats = spec.floats();
        if (buffer.length < settings.maxSize() * floats) {
            buffer = new float[settings.maxSize() * floats];
        }
        List<Pending> ready = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            listener.queued((start - p.receivedNanos()) / 1_000_000L);
            try {
                copyIn(p, spec, pipeline, ready.size() * floats);
                ready.add(p);
            } catch (ImageException e) {
                p.mailbox().deliver(Outcome.failure(p, e, model, start - p.receivedNanos(), 0));
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        // the model only ever sees the batch sizes it was warmed at: pad with blank images
        int modelBatch = settings.modelBatchSize(ready.size());
        java.util.Arrays.fill(buffer, ready.size() * floats, modelBatch * floats, 0f);
        long t0 = latency.nanos();
        try {
            float[][] probabilities = classifier.classify(buffer, modelBatch);
            long nanos = latency.nanos() - t0;
            listener.batch(ready.size(), nanos, false);
            for (int i = 0; i < ready.size(); i++) {
                Pending p = ready.get(i);
                p.mailbox().deliver(Outcome.success(p, probabilities[i], model, ready.size(), start - p.receivedNanos(),
                        nanos));
            }
        } catch (RuntimeException e) {
            listener.batch(ready.size(), latency.nanos() - t0, true);
            isolate(ready, served, start, e);
        }
    }

    /** The batch threw: find the images that fail on their own, classify the rest one by one. */
    private void isolate(List<Pending> ready, ServedModel served, long start, RuntimeException batchError) {
        BatchClassifier classifier = served.classifier();
        ModelInfo model = classifier.info();
        ImageSpec spec = served.spec();
        if (ready.size() > 1) {
            log.warn("a batch of {} images failed ({}); retrying them one by one to isolate the failure",
                    ready.size(), batchError.toString());
        }
        for (Pending p : ready) {
            long t0 = latency.nanos();
            try {
                if (ready.size() == 1) {
                    throw batchError;
                }
                copyIn(p, spec, served.pipeline(), 0);
                float[] probabilities = classifier.classify(buffer, 1)[0];
                long nanos = latency.nanos() - t0;
                listener.batch(1, nanos, false);
                p.mailbox().deliver(Outcome.success(p, probabilities, model, 1, start - p.receivedNanos(), nanos));
            } catch (RuntimeException | ImageException e) {
                if (e != batchError) {
                    listener.batch(1, latency.nanos() - t0, true);
                }
                p.mailbox().deliver(Outcome.failure(p, e, model, start - p.receivedNanos(),
                        latency.nanos() - t0));
            }
        }
    }

    /** Puts an image's pixels at {@code offset} of the batch buffer, preparing it again for a changed model. */
    private void copyIn(Pending p, ImageSpec spec, ImagePipeline pipeline, int offset) throws ImageException {
        if (p.spec().equals(spec)) {
            System.arraycopy(p.pixels(), 0, buffer, offset, spec.floats());
        } else {
            pipeline.prepare(p.image(), buffer, offset);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            work.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (worker != null) {
            try {
                // a batch in progress finishes; TensorFlow calls cannot be interrupted
                worker.join(TimeUnit.MINUTES.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
