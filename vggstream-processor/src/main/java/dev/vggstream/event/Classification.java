package dev.vggstream.event;

import dev.vggstream.inference.Prediction;

import java.util.List;
import java.util.Objects;

/**
 * One output-topic record: what an image was classified as, by which model, and how long it took.
 *
 * @param id        the event's id
 * @param source    the event's source; null (written as JSON null) if it had none
 * @param timestamp the event's timestamp, ISO-8601 UTC with milliseconds: {@code 2026-11-27T20:00:00.000Z}
 * @param top       most probable classes first
 * @param batchSize how many images shared the inference call (explains latency)
 * @param input     where the input record was; lets a consumer find it, and recognise a re-processed duplicate
 */
public record Classification(String id, String source, String timestamp, Model model, List<Prediction> top,
                             int batchSize, LatencyMs latencyMs, InputPosition input) {

    /** The model that answered. */
    public record Model(String name, String version) {
    }

    /**
     * Milliseconds with microsecond precision: a queue wait is often well under 1 ms, which whole milliseconds
     * would print as 0.
     *
     * @param queue     from the record reaching the processor to its batch starting inference
     * @param inference the batch's inference call
     * @param total     from the record reaching the processor to this result
     */
    public record LatencyMs(double queue, double inference, double total) {

        public static LatencyMs ofNanos(long queueNanos, long inferenceNanos, long totalNanos) {
            return new LatencyMs(millis(queueNanos), millis(inferenceNanos), millis(totalNanos));
        }

        private static double millis(long nanos) {
            return Math.round(nanos / 1_000.0) / 1_000.0;
        }
    }

    /** Topic, partition and offset of the input record. */
    public record InputPosition(String topic, int partition, long offset) {

        public static InputPosition of(InputRecord record) {
            return new InputPosition(record.topic(), record.partition(), record.offset());
        }
    }

    public Classification {
        Objects.requireNonNull(id, "id");
        top = top == null ? List.of() : List.copyOf(top);
    }

    public static Classification of(ImageEvent event, Model model, List<Prediction> top, int batchSize,
                                    LatencyMs latencyMs, InputPosition input) {
        return new Classification(event.id(), event.source(), isoTimestamp(event.timestampMs()), model, top,
                batchSize, latencyMs, input);
    }

    /** The output form of an epoch-millisecond timestamp: fixed three fraction digits, so they sort as text. */
    public static String isoTimestamp(long epochMs) {
        return Timestamps.iso(epochMs);
    }
}
