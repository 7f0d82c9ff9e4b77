package dev.vggstream.service;

import dev.vggstream.config.AppConfig;
import dev.vggstream.event.EventLimits;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka Streams configuration: the {@code kafka.*} keys as given, plus defaults this workload wants where the
 * operator set nothing, and size limits kept consistent with the largest image accepted.
 */
public final class StreamsProperties {

    /** Room for the record envelope and headers around the largest input value. */
    static final int RECORD_OVERHEAD = 1 << 20;

    private StreamsProperties() {
    }

    /** The largest input value accepted: a JSON envelope of the largest image, base64-encoded. */
    public static long maxInputRecordBytes(AppConfig c) {
        return EventLimits.defaultMaxJsonBytes(c.imageMaxBytes());
    }

    /** Largest record written: a buffer changelog entry or a dead letter carries a whole input value. */
    public static int maxRecordBytes(AppConfig c) {
        return (int) Math.min(Integer.MAX_VALUE, maxInputRecordBytes(c) + RECORD_OVERHEAD);
    }

    /**
     * As {@link #of(AppConfig)}, plus the replication of Streams' internal topics and acks=all, where the
     * {@code kafka.*} keys do not say otherwise.
     */
    public static Properties of(AppConfig c, Replication replication) {
        Properties p = of(c);
        putDefaults(p, replication.streamsDefaults());
        return p;
    }

    public static Properties of(AppConfig c) {
        Properties p = new Properties();
        p.putAll(c.kafkaProperties());
        Map<String, Object> defaults = new HashMap<>();
        // Wake often enough to forward finished batches promptly when input is idle (default 100 ms).
        defaults.put(StreamsConfig.POLL_MS_CONFIG, "10");
        // Results should leave as soon as they exist; Streams' producer default lingers 100 ms. 256 KB batches
        // (16 KB by default): bench part 8 ran 1.39-1.40x the Python consumer cold and 1.61-1.85x warm with them
        // against 1.27-1.32x and 1.51-1.65x in the same runs, and part 4's ceiling no slower. A 10 ms linger did
        // better still in part 8 but cost part 4's ceiling 15-30% (README, part 8): the linger stays 5 ms.
        defaults.put(StreamsConfig.producerPrefix("linger.ms"), "5");
        defaults.put(StreamsConfig.producerPrefix("batch.size"), "262144");
        // At-least-once commits every 30 s by default: a crash then replays up to 30 s of images.
        if (!c.exactlyOnce()) {
            defaults.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        }
        // A killed instance's partitions wait for its session to expire (consumer default 45 s).
        defaults.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");
        defaults.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), "2000");
        defaults.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RecordTooLargeHandler.class.getName());
        // A task reads one partition of one topic, so there is nothing to wait for across partitions; with idling on,
        // Streams formats lag messages with String.format whenever a task's queue runs dry (3% of a stream thread's
        // time in a profile of a backlog drain).
        defaults.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        // the Kafka 5.0 behaviour now; leaving it off only makes Streams warn at every start
        defaults.put("processing.exception.handler.global.enabled", "true");
        putDefaults(p, defaults);
        // Never below what one buffered or dead-lettered image needs, whatever was configured.
        raise(p, StreamsConfig.producerPrefix("max.request.size"), "max.request.size", maxRecordBytes(c));
        raise(p, StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), "max.partition.fetch.bytes",
                maxRecordBytes(c));
        return p;
    }

    /** Sets each default unless the operator set the key, prefixed or not. */
    private static void putDefaults(Properties p, Map<String, ?> defaults) {
        for (Map.Entry<String, ?> d : defaults.entrySet()) {
            String unprefixed = unprefixed(d.getKey());
            if (!p.containsKey(d.getKey()) && (unprefixed == null || !p.containsKey(unprefixed))) {
                p.put(d.getKey(), d.getValue());
            }
        }
    }

    private static String unprefixed(String key) {
        for (String prefix : new String[] {"producer.", "consumer.", "main.consumer.", "restore.consumer.", "topic."}) {
            if (key.startsWith(prefix)) {
                return key.substring(prefix.length());
            }
        }
        return null;
    }

    private static void raise(Properties p, String prefixed, String plain, int atLeast) {
        Object given = p.getOrDefault(prefixed, p.get(plain));
        long value = given == null ? 0 : Long.parseLong(given.toString().trim());
        if (value < atLeast) {
            p.put(prefixed, Integer.toString(atLeast));
        }
    }

    /** Topic configs of the buffer's changelog: large enough for any accepted record. */
    public static Map<String, String> changelogConfig(AppConfig c) {
        return Map.of("max.message.bytes", Integer.toString(maxRecordBytes(c)));
    }
}
