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

    /** Largest max-size for which every batch size runs as it is. */
    static final int EXACT_SIZES_UP_TO = 32;

    /**
     * The batch sizes the model is ever called with, all of them warmed up before serving: every size up to
     * {@value #EXACT_SIZES_UP_TO}; above that powers of two and the maximum, a batch being padded with blank
     * images up to the next one. Warming 1..1024 one by one would take longer than the stream can wait; padding
     * costs at most half a batch, on large batches only.
     */
    public int[] modelBatchSizes() {
        if (maxSize <= EXACT_SIZES_UP_TO) {
            return java.util.stream.IntStream.rangeClosed(1, maxSize).toArray();
        }
        java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
        for (int s = 1; s < maxSize; s *= 2) {
            sizes.add(s);
        }
        sizes.add(maxSize);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The model batch size a batch of {@code n} images runs at. */
    public int modelBatchSize(int n) {
        for (int s : modelBatchSizes()) {
            if (s >= n) {
                return s;
            }
        }
        return maxSize;
    }
}
