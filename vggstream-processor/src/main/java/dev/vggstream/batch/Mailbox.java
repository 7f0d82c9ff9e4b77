package dev.vggstream.batch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where one stream task collects the outcomes of its images. The dispatcher's thread puts, the task's stream
 * thread takes; the task forwards outcomes in its own submission order, so a partition's results keep the
 * partition's order whatever order batches complete in. A closed task's mailbox is cancelled: its queued images
 * are dropped (they stay in the task's changelogged buffer for whoever owns the task next) and late outcomes are
 * discarded.
 */
public final class Mailbox {

    private final ConcurrentHashMap<Long, Outcome> outcomes = new ConcurrentHashMap<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    void deliver(Outcome o) {
        if (!cancelled.get()) {
            outcomes.put(o.seq(), o);
        }
    }

    /** The outcome for {@code seq} if it has arrived, removing it. */
    public Outcome take(long seq) {
        return outcomes.remove(seq);
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
