package dev.vggstream.batch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one stream task collects the outcomes of its images. The dispatcher's and the decode pool's threads put,
 * the task's stream thread takes; the task forwards outcomes in its own submission order, so a partition's
 * results keep the partition's order whatever order batches complete in. A closed task's mailbox is cancelled:
 * its queued images are dropped (they stay in the task's changelogged buffer for whoever owns the task next) and
 * late outcomes are discarded.
 *
 * <p>Deliver-once: the first outcome for a sequence number wins. A second one (the real outcome of a frame the
 * decode pool's watchdog already timed out) is dropped, whether the first is still waiting or already taken:
 * the task takes in ascending sequence order, so anything at or below the highest number taken is settled.
 */
public final class Mailbox {

    private final ConcurrentHashMap<Long, Outcome> outcomes = new ConcurrentHashMap<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicLong highestTaken = new AtomicLong(-1);

    /** @return whether {@code o} was accepted: false when cancelled or when its image already has an outcome */
    boolean deliver(Outcome o) {
        if (cancelled.get() || o.seq() <= highestTaken.get()) {
            return false;
        }
        if (outcomes.putIfAbsent(o.seq(), o) != null) {
            return false;
        }
        if (o.seq() <= highestTaken.get()) {
            // taken while we put: ours is the late one
            outcomes.remove(o.seq(), o);
            return false;
        }
        return true;
    }

    /** The outcome for {@code seq} if it has arrived, removing it; call in ascending {@code seq} order. */
    public Outcome take(long seq) {
        Outcome o = outcomes.remove(seq);
        if (o != null) {
            highestTaken.accumulateAndGet(seq, Math::max);
            outcomes.remove(seq); // a late duplicate that slipped in between the two lines above
        }
        return o;
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Outcomes waiting to be taken. */
    public int waiting() {
        return outcomes.size();
    }

    void cancel() {
        cancelled.set(true);
        outcomes.clear();
    }
}
