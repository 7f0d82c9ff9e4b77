package dev.vggstream.config;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedactionTest {

    // Distinctive enough that finding it anywhere in the output can only be a leak.
    private static final String SECRET = "Zq7-hunter2-LEAK-ME-NOT";

    private static final String[] SECRET_KEYS = {
            "kafka.sasl.jaas.config",
            "kafka.ssl.keystore.password",
            "kafka.ssl.key.password",
            "kafka.ssl.truststore.password",
            "kafka.ssl.keystore.key",
            "kafka.basic.auth.user.info",
            "kafka.sasl.oauthbearer.client.credentials.client.secret",
            "kafka.sasl.oauthbearer.assertion.private.key.passphrase",
            "kafka.producer.ssl.key.password",
            "kafka.schema.registry.bearer.auth.token",
    };

    @Test
    void the_effective_configuration_shows_no_secret_value_but_every_harmless_one() {
        Properties p = new Properties();
        for (String key : SECRET_KEYS) {
            p.setProperty(key, SECRET);
        }
        p.setProperty("kafka.security.protocol", "SASL_SSL");
        p.setProperty("kafka.ssl.truststore.location", "/etc/vggstream/truststore.p12");
        AppConfig config = AppConfig.fromProperties(p, Map.of(
                "VGGSTREAM_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\""
                        + SECRET + "\";"));

        String text = config.describe() + config.effectiveLines() + config;

        assertThat(text).doesNotContain(SECRET).doesNotContain("hunter2");
        for (String key : SECRET_KEYS) {
            assertThat(config.effectiveLines()).contains(key + " = [redacted] (source: "
                    + (key.equals("kafka.sasl.jaas.config") ? "env" : "file") + ")");
        }
        assertThat(config.effectiveLines())
                .contains("kafka.security.protocol = SASL_SSL (source: file)")
                .contains("kafka.ssl.truststore.location = /etc/vggstream/truststore.p12 (source: file)")
                .contains("batch.max-size = 16 (source: default)")
                .contains("model.labels = <unset> (source: default)");
        assertThat(config.kafkaProperties()).as("Kafka still gets the real secret")
                .containsEntry("ssl.key.password", SECRET);
    }

    @Test
    void effective_lines_cover_every_key_once_sorted() {
        AppConfig config = AppConfig.defaults().with("kafka.linger.ms", "5");

        assertThat(config.effectiveLines())
                .hasSize(ConfigKeys.all().size() + 1)
                .isSorted()
                .contains("kafka.linger.ms = 5 (source: override)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sasl.jaas.config", "kafka.ssl.truststore.password", "ssl.key.password",
            "sasl.login.refresh.token", "sasl.oauthbearer.client.credentials.client.secret",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", "ssl.keystore.key", "basic.auth.user.info",
            "consumer.ssl.keystore.password", "KAFKA.SSL.KEY.PASSWORD",
            // unknown to Kafka's own password list: only the name rules catch these
            "kafka.schema.registry.ssl.signing.key", "kafka.plugin.private.material", "kafka.plugin.api.secret"})
    void keys_that_hold_secrets_are_recognised(String key) {
        assertThat(Redaction.isSecret(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka.bootstrap.servers", "ssl.truststore.location", "security.protocol",
            "sasl.mechanism", "ssl.keystore.type", "batch.max-size", "model.path"})
    void ordinary_keys_are_shown(String key) {
        assertThat(Redaction.isSecret(key)).isFalse();
    }

    @Test
    void secrets_embedded_in_a_harmless_looking_value_are_hidden() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
                + "password=\"" + SECRET + "\";";
        String url = "https://alice:" + SECRET + "@registry.example:8081";
        String pairs = "client_secret=" + SECRET + "&scope=kafka";

        assertThat(Redaction.scrub(jaas)).doesNotContain(SECRET).contains("username=\"alice\"")
                .contains("password=[redacted]");
        assertThat(Redaction.scrub(url)).isEqualTo("https://alice:[redacted]@registry.example:8081");
        assertThat(Redaction.scrub(pairs)).isEqualTo("client_secret=[redacted]&scope=kafka");
        assertThat(Redaction.scrub("localhost:9092,broker:9093")).isEqualTo("localhost:9092,broker:9093");
    }

    @Test
    void an_unnamed_secret_in_a_pass_through_value_is_hidden_too() {
        AppConfig config = AppConfig.defaults().with("kafka.schema.registry.url",
                "https://alice:" + SECRET + "@registry.example");

        assertThat(config.describe()).doesNotContain(SECRET).contains("registry.example");
    }

    @Test
    void error_messages_do_not_echo_secret_values() {
        // ssl.key.password is a pass-through key, so put the secret where a value is validated: a misnamed key
        // keeps its value out of the message, and a registry key under a secret-looking name does not exist.
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AppConfig.defaults()
                .with(Map.of("kafka.bootstrap.servers", "password=" + SECRET, "ssl.key.password", SECRET)));

        assertThat(e.getMessage()).doesNotContain(SECRET).contains("unknown key 'ssl.key.password'");
    }
}
