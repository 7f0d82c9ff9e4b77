package dev.vggstream.config;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What Kafka's own clients know about a {@code kafka.*} key, from their {@link ConfigDef}s: whether any client knows
 * it, and whether its value parses and passes the client's validator. Checked when the configuration is read, so
 * that {@code kafka.linger.ms=-5} is exit code 3 at once, not a Kafka client failing after a connection wait.
 */
final class KafkaKeys {

    private static final ConfigDef STREAMS = StreamsConfig.configDef();
    private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
    private static final ConfigDef PRODUCER = ProducerConfig.configDef();
    private static final ConfigDef ADMIN = AdminClientConfig.configDef();
    /** An unprefixed key goes to Streams and to every client: any of them may own it. */
    private static final List<ConfigDef> ALL = List.of(STREAMS, CONSUMER, PRODUCER, ADMIN);
    /** Kafka Streams' client prefixes, longest first, and the one client each reaches. */
    private static final Map<String, ConfigDef> PREFIXES = prefixes();
    /** Topic configs for the internal topics (Streams' {@code topic.} prefix) are the broker's to judge. */
    private static final String TOPIC_PREFIX = StreamsConfig.TOPIC_PREFIX;
    private static final Set<String> NAMES = names();

    private KafkaKeys() {
    }

    private static Map<String, ConfigDef> prefixes() {
        Map<String, ConfigDef> p = new LinkedHashMap<>();
        p.put(StreamsConfig.MAIN_CONSUMER_PREFIX, CONSUMER);
        p.put(StreamsConfig.RESTORE_CONSUMER_PREFIX, CONSUMER);
        p.put(StreamsConfig.GLOBAL_CONSUMER_PREFIX, CONSUMER);
        p.put(StreamsConfig.CONSUMER_PREFIX, CONSUMER);
        p.put(StreamsConfig.PRODUCER_PREFIX, PRODUCER);
        p.put(StreamsConfig.ADMIN_CLIENT_PREFIX, ADMIN);
        return p;
    }

    private static Set<String> names() {
        Set<String> n = new TreeSet<>();
        ALL.forEach(def -> n.addAll(def.names()));
        return Set.copyOf(n);
    }

    /** The clients' definitions of {@code key} (without {@code kafka.}); empty if no client knows it. */
    private static List<ConfigDef.ConfigKey> definitions(String key) {
        for (Map.Entry<String, ConfigDef> p : PREFIXES.entrySet()) {
            if (key.startsWith(p.getKey())) {
                ConfigDef.ConfigKey k = p.getValue().configKeys().get(key.substring(p.getKey().length()));
                return k == null ? List.of() : List.of(k);
            }
        }
        List<ConfigDef.ConfigKey> found = new ArrayList<>();
        for (ConfigDef def : ALL) {
            ConfigDef.ConfigKey k = def.configKeys().get(key);
            if (k != null) {
                found.add(k);
            }
        }
        return found;
    }

    /** Whether some Kafka client knows {@code key} (without {@code kafka.}). */
    static boolean isKnown(String key) {
        return key.startsWith(TOPIC_PREFIX) || key.startsWith(StreamsConfig.CLIENT_TAG_PREFIX)
                || !definitions(key).isEmpty();
    }

    /** The known key nearest to an unknown one, with the same client prefix. */
    static Optional<String> closest(String key) {
        for (String prefix : PREFIXES.keySet()) {
            if (key.startsWith(prefix)) {
                return Suggestions.closest(key.substring(prefix.length()), PREFIXES.get(prefix).names())
                        .map(k -> prefix + k);
            }
        }
        return Suggestions.closest(key, NAMES);
    }

    /**
     * Why Kafka would refuse {@code value} for {@code key} (without {@code kafka.}), if it would: the type (a number,
     * a boolean...) and the client's own validator (ranges, allowed values). The value is not repeated for a secret.
     */
    static Optional<String> problem(String key, String value) {
        for (ConfigDef.ConfigKey def : definitions(key)) {
            try {
                Object parsed = ConfigDef.parseType(def.name, value, def.type);
                if (def.validator != null) {
                    def.validator.ensureValid(def.name, parsed);
                }
            } catch (org.apache.kafka.common.config.ConfigException e) {
                String shown = Redaction.isSecret(ConfigKey.KAFKA_PREFIX + key) ? "" : " '" + value + "'";
                return Optional.of("invalid value" + shown + " for key '" + ConfigKey.KAFKA_PREFIX + key + "': "
                        + reason(e, value, def) + " (Kafka's " + def.name + ")");
            }
        }
        return Optional.empty();
    }

    /** Kafka's message repeats the value; ours names it once, so only what follows it is kept. */
    private static String reason(Exception e, String value, ConfigDef.ConfigKey def) {
        String m = String.valueOf(e.getMessage());
        int colon = m.indexOf(": ", m.indexOf(def.name));
        String why = colon < 0 ? m : m.substring(colon + 2);
        return why.isBlank() ? "expected " + def.type.toString().toLowerCase(java.util.Locale.ROOT) : why;
    }
}
