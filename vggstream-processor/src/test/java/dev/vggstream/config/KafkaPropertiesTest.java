package dev.vggstream.config;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KafkaPropertiesTest {

    @Test
    void without_any_kafka_key_the_application_defaults_are_given() {
        assertThat(AppConfig.defaults().kafkaProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "application.id", "vggstream",
                "bootstrap.servers", "localhost:9092",
                "processing.guarantee", "at_least_once"));
    }

    @Test
    void the_prefix_is_stripped_and_values_pass_verbatim() {
        Properties p = new Properties();
        p.setProperty("kafka.application.id", "vgg-prod");
        p.setProperty("kafka.sasl.mechanism", "SCRAM-SHA-512");
        p.setProperty("kafka.producer.compression.type", "zstd");
        p.setProperty("kafka.client.id", "  spaced  ");

        Map<String, Object> kafka = AppConfig.fromProperties(p, Map.of()).kafkaProperties();

        assertThat(kafka)
                .containsEntry("application.id", "vgg-prod")
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("producer.compression.type", "zstd")
                .containsEntry("client.id", "  spaced  ")
                .allSatisfy((k, v) -> assertThat(k).doesNotStartWith("kafka."));
        assertThat(kafka).as("no application key leaks into Kafka").doesNotContainKeys("batch.max-size", "max-size");
    }

    @Test
    void the_map_cannot_be_modified() {
        assertThatThrownBy(() -> AppConfig.defaults().kafkaProperties().put("acks", "all"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"at_least_once", "exactly_once_v2", "EXACTLY_ONCE_V2"})
    void the_supported_processing_guarantees_are_accepted(String guarantee) {
        AppConfig config = AppConfig.defaults().with("kafka.processing.guarantee", guarantee);

        assertThat(config.kafkaProperties().get("processing.guarantee")).isEqualTo(guarantee.toLowerCase());
        assertThat(config.kafkaProcessingGuarantee()).isEqualTo(guarantee.toLowerCase());
    }

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once", "exactly_once_beta", "at_most_once", ""})
    void any_other_processing_guarantee_is_refused(String guarantee) {
        assertThatThrownBy(() -> AppConfig.fromProperties(new Properties(),
                Map.of("VGGSTREAM_KAFKA_PROCESSING_GUARANTEE", guarantee)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.processing.guarantee'")
                .hasMessageContaining("expected one of at_least_once, exactly_once_v2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "broker:0", "broker:9092,", "host:port", "::1:9092", "a b:9092"})
    void malformed_bootstrap_servers_are_refused(String servers) {
        assertThatThrownBy(() -> AppConfig.defaults().with("kafka.bootstrap.servers", servers))
                .hasMessageContaining("'kafka.bootstrap.servers'")
                .hasMessageContaining("host:port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"b1:9092", "b1.example.com:9093, b2.example.com:9093", "10.0.0.7:9092", "[::1]:9092"})
    void well_formed_bootstrap_servers_are_accepted(String servers) {
        assertThat(AppConfig.defaults().with("kafka.bootstrap.servers", servers).kafkaProperties())
                .containsEntry("bootstrap.servers", servers);
    }
}
