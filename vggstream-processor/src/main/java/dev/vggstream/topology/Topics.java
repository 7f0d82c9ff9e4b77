package dev.vggstream.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics the processor reads and writes, each named once with its serdes. Keys and values travel as bytes:
 * input keys are passed through untouched to results and dead letters, values are parsed by the processor itself so
 * a bad one becomes a dead letter instead of a deserialization failure.
 */
public record Topics(String input, String output, String deadLetters) {

    public static final Serde<byte[]> KEY_SERDE = Serdes.ByteArray();
    public static final Serde<byte[]> INPUT_VALUE_SERDE = Serdes.ByteArray();
    /** Classification JSON, already encoded by the processor. */
    public static final Serde<byte[]> OUTPUT_VALUE_SERDE = Serdes.ByteArray();
    /** The input value as it arrived. */
    public static final Serde<byte[]> DEAD_LETTER_VALUE_SERDE = Serdes.ByteArray();

    public static Topics defaults() {
        return new Topics("images", "classifications", "images.dlq");
    }
}
