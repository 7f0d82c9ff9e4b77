package dev.vggstream.batch;

/** Observes the dispatcher, for metrics. Called on the dispatcher's thread; keep it cheap. */
public interface BatchListener {

    BatchListener NONE = new BatchListener() {
    };

    /** A model call of {@code size} images took {@code inferenceNanos}; {@code failed} if it threw. */
    default void batch(int size, long inferenceNanos, boolean failed) {
    }

    /** An image waited {@code queueMs} from receipt to the start of its batch. */
    default void queued(long queueMs) {
    }

    /** Images admitted and not yet classified, after a change. */
    default void inFlight(int images) {
    }
}
