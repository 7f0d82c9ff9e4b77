package dev.vggstream.service;

import org.apache.kafka.streams.StreamsConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * How the topics the processor creates, and Kafka Streams' internal topics, are replicated.
 *
 * @param factor the replication factor: {@code topics.replication-factor}, or min(3, brokers) when unset
 * @param minIsr {@code min.insync.replicas} set on those topics: 2 where the factor is 3 or more (one broker may
 *               be lost without refusing writes, two may not without losing acknowledged ones); empty below that,
 *               where the broker's default stays
 */
public record Replication(short factor, OptionalInt minIsr) {

    /** The factor a cluster of this size gets unless the operator chose one. */
    public static Replication resolve(OptionalInt configured, int brokers) {
        int rf = configured.orElse(Math.max(1, Math.min(3, brokers)));
        return new Replication((short) rf, rf >= 3 ? OptionalInt.of(2) : OptionalInt.empty());
    }

    /** Topic configs for a topic the processor creates. */
    public Map<String, String> topicConfigs(Map<String, String> others) {
        Map<String, String> out = new LinkedHashMap<>(others);
        minIsr.ifPresent(isr -> out.put("min.insync.replicas", Integer.toString(isr)));
        return out;
    }

    /** Kafka Streams settings for its internal topics, and acks=all for its producers. */
    public Map<String, String> streamsDefaults() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(factor));
        minIsr.ifPresent(isr -> out.put(StreamsConfig.topicPrefix("min.insync.replicas"), Integer.toString(isr)));
        // the client default since Kafka 3.0, and forced under exactly-once; said here so no override weakens it
        out.put(StreamsConfig.producerPrefix("acks"), "all");
        return out;
    }
}
