package dev.vggstream.service;

import dev.vggstream.event.InputRecord;
import dev.vggstream.topology.SourceReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedSet;

/**
 * Reads buffered records back from the input topic after a restart or rebalance, with the processor's own client
 * settings (servers, security) and isolation level. Rare (once per restored task), so a consumer per call.
 */
final class KafkaSourceReader implements SourceReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Map<String, Object> props;

    KafkaSourceReader(Properties streams, boolean readCommitted) {
        Map<String, Object> p = new HashMap<>();
        for (String k : ConsumerConfig.configNames()) {
            Object v = streams.getOrDefault("main.consumer." + k, streams.getOrDefault("consumer." + k, streams.get(k)));
            if (v != null) {
                p.put(k, v);
            }
        }
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, streams.getProperty("application.id", "vggstream") + "-buffer-restore");
        this.props = p;
    }

    @Override
    public Map<Long, InputRecord> read(String topic, int partition, SortedSet<Long> offsets) {
        Map<Long, InputRecord> out = new HashMap<>();
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            long start = Math.max(offsets.first(), c.beginningOffsets(List.of(tp), TIMEOUT).get(tp));
            long end = Math.min(offsets.last() + 1, c.endOffsets(List.of(tp), TIMEOUT).get(tp));
            if (start >= end) {
                return out;
            }
            c.seek(tp, start);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (offsets.contains(r.offset())) {
                        out.put(r.offset(), InputRecord.of(r));
                    }
                }
            }
            if (c.position(tp) < end) {
                throw new IllegalStateException("could not read " + tp + " up to offset " + end + " within "
                        + TIMEOUT.toSeconds() + " s to restore buffered records");
            }
        }
        return out;
    }
}
