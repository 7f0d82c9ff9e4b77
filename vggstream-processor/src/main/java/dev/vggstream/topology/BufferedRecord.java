package dev.vggstream.topology;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An input record waiting in a task's buffer for its classification, as stored in the changelogged buffer store:
 * what is needed to produce its result or dead letter after a crash, when the JVM that received it is gone.
 *
 * <p>A <em>copy</em> holds the whole record. A <em>reference</em> holds only where it is in the input topic (about
 * 50 bytes instead of the image): the record itself is read back from the input topic when the buffer is restored,
 * which is safe because a buffered record's offset is at most the task's committed offset, so the input topic
 * still has it (unless its retention is shorter than the time a record waits to be classified, seconds).
 *
 * @param key        null for a reference
 * @param value      null for a reference
 * @param headers    empty for a reference
 * @param receivedMs when the processor first received it (wall clock), for queue and total latency
 */
record BufferedRecord(boolean reference, String topic, int partition, long offset, long timestamp, byte[] key,
                      byte[] value, Headers headers, long receivedMs) {

    private static final int COPY = 1;
    private static final int REFERENCE = 2;

    static BufferedRecord copy(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                               Headers headers, long receivedMs) {
        return new BufferedRecord(false, topic, partition, offset, timestamp, key, value, headers, receivedMs);
    }

    static BufferedRecord reference(String topic, int partition, long offset, long timestamp, long receivedMs) {
        return new BufferedRecord(true, topic, partition, offset, timestamp, null, null, new RecordHeaders(),
                receivedMs);
    }

    byte[] serialize() {
        int size = 64 + length(key) + length(value) + topic.length() * 3;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(reference ? REFERENCE : COPY);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(timestamp);
            out.writeLong(receivedMs);
            if (!reference) {
                writeBytes(out, key);
                writeBytes(out, value);
                Header[] all = headers.toArray();
                out.writeInt(all.length);
                for (Header h : all) {
                    out.writeUTF(h.key());
                    writeBytes(out, h.value());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static BufferedRecord deserialize(byte[] data) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            int format = in.readUnsignedByte();
            if (format != COPY && format != REFERENCE) {
                throw new IllegalStateException("buffered record of unknown format " + format);
            }
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            long received = in.readLong();
            if (format == REFERENCE) {
                return reference(topic, partition, offset, timestamp, received);
            }
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int n = in.readInt();
            RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < n; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return copy(topic, partition, offset, timestamp, key, value, headers, received);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Serde for the buffer store. */
    static final class Serde implements org.apache.kafka.common.serialization.Serde<BufferedRecord> {
        @Override
        public org.apache.kafka.common.serialization.Serializer<BufferedRecord> serializer() {
            return (topic, r) -> r == null ? null : r.serialize();
        }

        @Override
        public org.apache.kafka.common.serialization.Deserializer<BufferedRecord> deserializer() {
            return (topic, b) -> b == null ? null : deserialize(b);
        }
    }
}
