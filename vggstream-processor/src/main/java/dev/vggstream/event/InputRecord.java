package dev.vggstream.event;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of the input topic as the parser sees it: where it came from and its raw bytes. Arrays are not
 * copied (records are big and passed along once); equality compares their contents.
 *
 * @param timestamp record timestamp, epoch milliseconds
 * @param key       nullable
 * @param value     nullable (a tombstone)
 * @param headers   never null; an absent set becomes an empty one
 */
public record InputRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                          Headers headers) {

    public InputRecord {
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? new RecordHeaders() : headers;
    }

    public static InputRecord of(ConsumerRecord<byte[], byte[]> r) {
        return new InputRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
    }

    /** From the Processor API, where position lives in the context's metadata rather than the record. */
    public static InputRecord of(RecordMetadata where, Record<byte[], byte[]> r) {
        return new InputRecord(where.topic(), where.partition(), where.offset(), r.timestamp(), r.key(), r.value(),
                r.headers());
    }

    /** {@code topic-partition-offset}: unique per record, so it is the id an event without one gets. */
    public String position() {
        return topic + "-" + partition + "-" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputRecord r && topic.equals(r.topic) && partition == r.partition && offset == r.offset
                && timestamp == r.timestamp && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp, Arrays.hashCode(key), Arrays.hashCode(value),
                headers);
    }

    /** Sizes, not contents: a value is an image and would flood a log. */
    @Override
    public String toString() {
        return "InputRecord[" + position() + ", timestamp=" + timestamp + ", key=" + size(key) + ", value="
                + size(value) + ", headers=" + headers.toArray().length + "]";
    }

    private static String size(byte[] b) {
        return b == null ? "null" : b.length + " bytes";
    }
}
