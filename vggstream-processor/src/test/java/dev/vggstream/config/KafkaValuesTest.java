package dev.vggstream.config;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kafka.*} values are judged by the Kafka clients' own definitions when the configuration is read; keys no
 * client knows are warned about with the nearest known one and never shown.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KafkaValuesTest {

    static AppConfig load(Map<String, String> file) {
        Properties p = new Properties();
        p.putAll(file);
        return AppConfig.fromProperties(p, Map.of());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "kafka.num.stream.threads, abc, Not a number of type INT",
            "kafka.linger.ms, -5, at least 0",
            "kafka.producer.linger.ms, -5, at least 0",
            "kafka.consumer.max.poll.records, 0, at least 1",
            "kafka.acks, some, ",
            "kafka.enable.idempotence, perhaps, Expected value to be either true or false"})
    void a_value_a_kafka_client_would_refuse_is_a_configuration_error_naming_the_key(String key, String value,
                                                                                    String reason) {
        assertThatThrownBy(() -> load(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining(reason == null ? "invalid value" : reason);
    }

    @Test
    void the_same_values_from_the_environment_are_refused_too() {
        assertThatThrownBy(() -> AppConfig.fromProperties(new Properties(),
                Map.of("VGGSTREAM_KAFKA_NUM_STREAM_THREADS", "abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.num.stream.threads");
    }

    @Test
    void valid_values_and_keys_only_plugins_know_are_accepted() {
        AppConfig c = load(Map.of("kafka.linger.ms", "20", "kafka.num.stream.threads", "2",
                "kafka.basic.auth.user.info", "u:p", "kafka.topic.max.message.bytes", "2000000"));
        assertThat(c.kafkaProperties()).containsEntry("linger.ms", "20").containsEntry("num.stream.threads", "2");
    }

    @Test
    void a_misspelt_kafka_key_is_warned_about_with_the_nearest_known_key_and_its_value_is_never_shown() {
        AppConfig c = load(Map.of("kafka.ssl.truststore.pasword", "Trust-Pw-91c2"));
        assertThat(c.warnings()).singleElement().asString()
                .contains("kafka.ssl.truststore.pasword")
                .contains("did you mean kafka.ssl.truststore.password?")
                .doesNotContain("Trust-Pw-91c2");
        assertThat(c.describe()).contains("kafka.ssl.truststore.pasword = [redacted]").doesNotContain("91c2");
    }

    @Test
    void a_misspelt_key_under_a_client_prefix_gets_a_suggestion_with_that_prefix() {
        assertThat(load(Map.of("kafka.producer.linger.msx", "5")).warnings()).singleElement().asString()
                .contains("did you mean kafka.producer.linger.ms?");
    }

    @Test
    void known_keys_raise_no_warning() {
        assertThat(load(Map.of("kafka.linger.ms", "5", "kafka.producer.acks", "all")).warnings()).isEmpty();
    }
}
