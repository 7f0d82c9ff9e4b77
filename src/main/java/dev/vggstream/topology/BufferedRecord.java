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
 * An input record waiting in a task's buffer for its classification: everything needed to produce its result or
 * dead letter after a crash, when the JVM that received it is gone. Stored in the changelogged buffer store.
 *
 * @param receivedMs when the processor first received it (wall clock), for queue and total latency
 */
record BufferedRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                      Headers headers, long receivedMs) {

    private static final int FORMAT = 1;

    byte[] serialize() {
        int size = 64 + length(key) + length(value) + topic.length() * 3;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(timestamp);
            out.writeLong(receivedMs);
            writeBytes(out, key);
            writeBytes(out, value);
            Header[] all = headers.toArray();
            out.writeInt(all.length);
            for (Header h : all) {
                out.writeUTF(h.key());
                writeBytes(out, h.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static BufferedRecord deserialize(byte[] data) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("buffered record of unknown format " + format);
            }
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            long received = in.readLong();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int n = in.readInt();
            RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < n; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new BufferedRecord(topic, partition, offset, timestamp, key, value, headers, received);
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
