package dev.vggstream.config;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what must not be printed. Effective configuration ends up in logs, which are shipped, kept and read by
 * more people than the secrets are meant for; when in doubt a value is hidden.
 */
public final class Redaction {

    public static final String REDACTED = "[redacted]";

    // Fragments of key names that hold secrets in Kafka, Schema Registry and the usual SASL/OAuth plugins.
    private static final List<String> SECRET_FRAGMENTS = List.of(
            "password", "passwd", "passphrase", "secret", "jaas", "token", "credential", "private",
            "user.info", "apikey", "api.key", "api-key");

    // Kafka Streams forwards these prefixes to one of its clients; the client's own name is what Kafka types.
    private static final List<String> CLIENT_PREFIXES = List.of(
            "main.consumer.", "restore.consumer.", "global.consumer.", "consumer.", "producer.", "admin.");

    // key=value or key: value inside a value, as in a JAAS line: password="s3cret";
    private static final Pattern EMBEDDED = Pattern.compile(
            "(?i)([\\w.-]*(?:password|passwd|passphrase|secret|token|credential|apikey|api[_.-]key)[\\w.-]*)"
                    + "(\\s*[=:]\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|[^\\s;,&]+)");
    // https://user:password@host
    private static final Pattern URL_USER_INFO = Pattern.compile("(://[^/\\s:@]+):[^@/\\s]+@");

    private Redaction() {
    }

    /** Whether the value of {@code key} (with or without the {@code kafka.} prefix) is hidden entirely. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.startsWith(ConfigKey.KAFKA_PREFIX)) {
            k = k.substring(ConfigKey.KAFKA_PREFIX.length());
        }
        for (String fragment : SECRET_FRAGMENTS) {
            if (k.contains(fragment)) {
                return true;
            }
        }
        return k.endsWith(".key") || KafkaPasswords.NAMES.contains(withoutClientPrefix(k));
    }

    /** The value as it may be printed: {@link #REDACTED} for secret keys, otherwise with embedded secrets hidden. */
    public static String display(String key, String value) {
        if (value == null) {
            return null;
        }
        return isSecret(key) ? REDACTED : scrub(value);
    }

    /** Hides {@code password=...}-like pairs and URL passwords inside a value whose key looked harmless. */
    public static String scrub(String value) {
        String out = EMBEDDED.matcher(value)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + REDACTED));
        return URL_USER_INFO.matcher(out).replaceAll("$1:" + Matcher.quoteReplacement(REDACTED) + "@");
    }

    private static String withoutClientPrefix(String key) {
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return key.substring(prefix.length());
            }
        }
        return key;
    }

    /** What Kafka itself types as a password: catches secret keys whose names the fragments miss. */
    private static final class KafkaPasswords {
        static final Set<String> NAMES = collect(ConsumerConfig.configDef(), ProducerConfig.configDef(),
                AdminClientConfig.configDef(), StreamsConfig.configDef());

        private static Set<String> collect(ConfigDef... defs) {
            Set<String> names = new HashSet<>();
            for (ConfigDef def : defs) {
                def.configKeys().forEach((name, key) -> {
                    if (key.type == ConfigDef.Type.PASSWORD) {
                        names.add(name);
                    }
                });
            }
            return Set.copyOf(names);
        }
    }
}
