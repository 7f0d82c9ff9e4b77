package dev.vggstream.batch;

import java.util.function.LongSupplier;

/**
 * The one clock every latency is read from: receipt of a record, start of its batch, the model call, and the
 * result. Values from different clocks (Kafka Streams' cached time, the wall clock, {@code nanoTime}) do not add
 * up: a total could come out below its queue wait plus inference. Read in order on one monotonic clock they do.
 */
@FunctionalInterface
public interface LatencyClock {

    /** Monotonic nanoseconds, anchored to the epoch at start so that they compare with record timestamps. */
    LatencyClock SYSTEM = new LatencyClock() {
        private final long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

        @Override
        public long nanos() {
            return System.nanoTime() + offset;
        }
    };

    long nanos();

    /** A millisecond clock as a latency clock (tests that drive time themselves). */
    static LatencyClock ofMillis(LongSupplier millis) {
        return () -> millis.getAsLong() * 1_000_000L;
    }
}
