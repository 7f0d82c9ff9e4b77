package dev.vggstream.batch;

/**
 * How batches are formed.
 *
 * @param maxSize     a batch is run as soon as this many images wait
 * @param maxWaitMs   ... or as soon as the oldest has waited this long, whichever comes first
 * @param maxInFlight images admitted but not yet classified, across all tasks of the instance: bounds memory
 *                    (prepared pixels) and the buffer; a task submitting beyond it waits for a batch to finish
 * @param maxBlockMs  the longest a stream thread waits for room before admitting anyway: a stream thread that
 *                    blocks too long misses its commits and, under exactly-once, its transaction timeout
 */
public record BatchSettings(int maxSize, long maxWaitMs, int maxInFlight, long maxBlockMs) {

    public BatchSettings {
        if (maxSize < 1 || maxWaitMs < 0 || maxInFlight < maxSize || maxBlockMs < 0) {
            throw new IllegalArgumentException("bad batch settings: maxSize " + maxSize + ", maxWaitMs " + maxWaitMs
                    + ", maxInFlight " + maxInFlight + " (at least maxSize), maxBlockMs " + maxBlockMs);
        }
    }

    public static BatchSettings of(int maxSize, long maxWaitMs) {
        return new BatchSettings(maxSize, maxWaitMs, Math.max(4 * maxSize, 16), 2000);
    }
}
