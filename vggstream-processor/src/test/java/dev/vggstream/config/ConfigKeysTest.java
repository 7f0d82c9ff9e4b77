package dev.vggstream.config;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConfigKeysTest {

    @Test
    void the_registry_holds_the_keys_the_processor_is_documented_to_read() {
        Set<String> names = ConfigKeys.all().stream().map(ConfigKey::name).collect(Collectors.toSet());

        assertThat(names).contains("topics.input", "topics.output", "topics.dlq", "topics.create",
                "topics.partitions", "topics.replication-factor", "model.path", "model.poll-interval-ms",
                "model.labels", "model.preprocessing", "model.signature", "batch.max-size", "batch.max-wait-ms",
                "batch.max-in-flight", "batch.punctuate-interval-ms", "inference.device",
                "inference.gpu.allow-growth", "inference.gpu.memory-fraction", "inference.intra-op-threads",
                "inference.inter-op-threads", "inference.warmup", "image.max-bytes", "image.max-pixels",
                "image.min-side", "image.decode-timeout-ms", "output.top-k", "http.enabled", "http.host",
                "http.port", "health.kafka-unavailable-ms", "shutdown.timeout-ms", "kafka.application.id", "kafka.bootstrap.servers",
                "kafka.processing.guarantee");
    }

    @Test
    void every_key_has_a_description_and_an_unambiguous_variable_name() {
        List<String> envNames = ConfigKeys.all().stream().map(ConfigKey::envName).toList();

        assertThat(envNames).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n).matches("VGGSTREAM_[A-Z0-9_]+"));
        assertThat(ConfigKeys.all()).allSatisfy(k -> assertThat(k.description()).isNotBlank().doesNotContain("\n"));
        assertThat(ConfigKeys.BATCH_MAX_SIZE.envName()).isEqualTo("VGGSTREAM_BATCH_MAX_SIZE");
        assertThat(ConfigKeys.findByEnvName("VGGSTREAM_TOPICS_REPLICATION_FACTOR"))
                .contains(ConfigKeys.TOPICS_REPLICATION_FACTOR);
    }

    @Test
    void defaults_parse_back_to_themselves() {
        assertThat(ConfigKeys.all().stream().filter(ConfigKey::hasDefault)).allSatisfy(k ->
                assertThat((Object) k.parse(k.defaultText())).as(k.name()).isEqualTo(k.defaultValue().orElseThrow()));
    }

    @Test
    void keys_without_a_default_are_the_ones_the_model_the_cluster_or_the_machine_decides() {
        assertThat(ConfigKeys.all().stream().filter(k -> !k.hasDefault()).map(ConfigKey::name))
                .containsExactlyInAnyOrder("model.labels", "model.preprocessing", "model.image-size",
                        "topics.replication-factor", "output.cloudevents.source");
    }

    @Test
    void batch_max_size_accepts_exactly_1_to_1024() {
        assertThat(ConfigKeys.BATCH_MAX_SIZE.parse("1")).isEqualTo(1);
        assertThat(ConfigKeys.BATCH_MAX_SIZE.parse(" 1024 ")).isEqualTo(1024);
        assertThatThrownBy(() -> ConfigKeys.BATCH_MAX_SIZE.parse("0")).hasMessage("an integer in 1..1024");
        assertThatThrownBy(() -> ConfigKeys.BATCH_MAX_SIZE.parse("1025")).hasMessage("an integer in 1..1024");
        assertThatThrownBy(() -> ConfigKeys.BATCH_MAX_SIZE.parse("16.0")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "cpu", "gpu", "gpu:0", "gpu:7"})
    void valid_devices_are_accepted(String device) {
        assertThat(ConfigKeys.INFERENCE_DEVICE.parse(device)).isEqualTo(device);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpu", "gpu:", "gpu:x", "gpu0", "cpu:0", "GPU:-1", "gpu:1234"})
    void invalid_devices_are_refused_with_the_pattern(String device) {
        assertThatThrownBy(() -> ConfigKeys.INFERENCE_DEVICE.parse(device)).hasMessageContaining("gpu:N");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0", "0.25", "1", "1.0", ".5"})
    void memory_fractions_in_the_unit_interval_are_accepted(String fraction) {
        assertThat(ConfigKeys.INFERENCE_GPU_MEMORY_FRACTION.parse(fraction)).isBetween(0.0, 1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.1", "1.01", "NaN", "Infinity", "0x1p-1", "0.5d", "half"})
    void other_memory_fractions_are_refused(String fraction) {
        assertThatThrownBy(() -> ConfigKeys.INFERENCE_GPU_MEMORY_FRACTION.parse(fraction))
                .hasMessage("a number in 0.0..1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "localhost", "vgg-1.internal.example", "::", "::1",
            "fe80::1", "2001:db8::42"})
    void hosts_and_addresses_are_accepted(String host) {
        assertThat(ConfigKeys.HTTP_HOST.parse(host)).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "1.2.3", "-bad.example", "under_score", "a..b", "http://x", "1::2::3"})
    void malformed_hosts_are_refused(String host) {
        assertThatThrownBy(() -> ConfigKeys.HTTP_HOST.parse(host)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "with space", "slash/topic", "ümlaut"})
    void invalid_topic_names_are_refused(String topic) {
        assertThatThrownBy(() -> ConfigKeys.TOPICS_INPUT.parse(topic)).hasMessageContaining("Kafka topic name");
    }

    @Test
    void enum_keys_list_their_values_and_accept_any_case() {
        assertThat(ConfigKeys.MODEL_PREPROCESSING.allowedValues()).containsExactly("torch", "caffe", "none");
        assertThat(ConfigKeys.MODEL_PREPROCESSING.parse("Caffe")).isEqualTo("caffe");
        assertThatThrownBy(() -> ConfigKeys.MODEL_PREPROCESSING.parse("tf"))
                .hasMessage("one of torch, caffe, none");
    }
}
