package dev.vggstream.config;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AppConfigLoadingTest {

    @TempDir
    Path dir;

    @Test
    void an_environment_variable_overrides_the_file() throws IOException {
        Path file = write("batch.max-size=32\ntopics.input=camera-frames\n");

        AppConfig config = AppConfig.load(file, Map.of("VGGSTREAM_BATCH_MAX_SIZE", "64"));

        assertThat(config.batchMaxSize()).isEqualTo(64);
        assertThat(config.setting("batch.max-size").orElseThrow().source()).isEqualTo(Source.ENV);
        assertThat(config.topicsInput()).isEqualTo("camera-frames");
        assertThat(config.setting("topics.input").orElseThrow().source()).isEqualTo(Source.FILE);
        assertThat(config.setting("output.top-k").orElseThrow().source()).isEqualTo(Source.DEFAULT);
    }

    @Test
    void variables_resolve_dashes_and_dots_through_the_registry() {
        AppConfig config = AppConfig.fromProperties(new Properties(), Map.of(
                "VGGSTREAM_INFERENCE_GPU_MEMORY_FRACTION", "0.5",
                "VGGSTREAM_TOPICS_REPLICATION_FACTOR", "3",
                "VGGSTREAM_MODEL_POLL_INTERVAL_MS", "0"));

        assertThat(config.inferenceGpuMemoryFraction()).isEqualTo(0.5);
        assertThat(config.topicsReplicationFactor()).hasValue(3);
        assertThat(config.modelPollIntervalMs()).isZero();
    }

    @Test
    void kafka_variables_map_to_kafka_keys_with_every_underscore_a_dot() {
        AppConfig config = AppConfig.fromProperties(new Properties(), Map.of(
                "VGGSTREAM_KAFKA_SASL_JAAS_CONFIG", "x required;",
                "VGGSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "VGGSTREAM_KAFKA_BOOTSTRAP_SERVERS", "broker-1:9093,broker-2:9093"));

        assertThat(config.setting("kafka.sasl.jaas.config").orElseThrow().source()).isEqualTo(Source.ENV);
        assertThat(config.kafkaProperties())
                .containsEntry("sasl.jaas.config", "x required;")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "broker-1:9093,broker-2:9093");
        assertThat(config.kafkaBootstrapServers()).isEqualTo("broker-1:9093,broker-2:9093");
    }

    @Test
    void an_unknown_key_in_the_file_fails_naming_it_and_suggesting_the_closest_key() throws IOException {
        Path file = write("batch.max-sise=8\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AppConfig.load(file, Map.of()));

        assertThat(e.problems()).singleElement().asString()
                .contains("unknown key 'batch.max-sise' (did you mean 'batch.max-size'?)")
                .contains(file.toString());
    }

    @Test
    void an_unknown_key_far_from_every_known_key_fails_without_a_suggestion() {
        Properties p = new Properties();
        p.setProperty("colour", "blue");

        assertThatThrownBy(() -> AppConfig.fromProperties(p, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'colour'")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void kafka_keys_unknown_to_the_registry_pass_through_as_they_are() {
        Properties p = new Properties();
        p.setProperty("kafka.num.stream.threads", "4");
        p.setProperty("kafka.consumer.max.poll.records", "100");

        AppConfig config = AppConfig.fromProperties(p, Map.of());

        assertThat(config.kafkaProperties())
                .containsEntry("num.stream.threads", "4")
                .containsEntry("consumer.max.poll.records", "100");
    }

    @Test
    void an_unknown_vggstream_variable_fails_naming_it() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () ->
                AppConfig.fromProperties(new Properties(), Map.of("VGGSTREAM_BATCH_MAX_SISE", "8")));

        assertThat(e.problems()).singleElement().asString()
                .contains("VGGSTREAM_BATCH_MAX_SISE")
                .contains("did you mean VGGSTREAM_BATCH_MAX_SIZE?");
    }

    @Test
    void launcher_variables_and_foreign_variables_are_ignored() {
        Map<String, String> env = Map.of(
                "VGGSTREAM_JAR", "/opt/vggstream.jar", "VGGSTREAM_PROGRESS", "bar", "VGGSTREAM_LOG_LEVEL", "DEBUG",
                "VGGSTREAM_HOME", "/opt/vggstream", "VGGSTREAM_JAVA", "/usr/lib/jvm/jdk-25/bin/java",
                "VGGSTREAM_JDK25", "/usr/lib/jvm/jdk-25", "PATH", "/usr/bin", "KAFKA_HEAP_OPTS", "-Xmx1g");

        assertThat(AppConfig.fromProperties(new Properties(), env).batchMaxSize()).isEqualTo(16);
    }

    @Test
    void a_value_of_the_wrong_type_fails_naming_the_key_the_value_and_what_was_expected() {
        assertThatThrownBy(() -> AppConfig.fromProperties(new Properties(),
                Map.of("VGGSTREAM_BATCH_MAX_SIZE", "sixteen")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'batch.max-size'")
                .hasMessageContaining("'sixteen'")
                .hasMessageContaining("VGGSTREAM_BATCH_MAX_SIZE")
                .hasMessageContaining("expected an integer in 1..1024");
    }

    @Test
    void a_boolean_must_be_true_or_false_not_a_lookalike() {
        Properties p = new Properties();
        p.setProperty("topics.create", "yes");

        assertThatThrownBy(() -> AppConfig.fromProperties(p, Map.of()))
                .hasMessageContaining("'yes' for key 'topics.create'")
                .hasMessageContaining("expected true or false");
    }

    @Test
    void a_value_out_of_range_fails_naming_the_range() {
        Properties p = new Properties();
        p.setProperty("batch.max-size", "1025");

        assertThatThrownBy(() -> AppConfig.fromProperties(p, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid value '1025' for key 'batch.max-size'")
                .hasMessageContaining("1..1024");
    }

    @Test
    void several_problems_are_reported_together() throws IOException {
        Path file = write("""
                batch.max-sise=8
                http.port=99999
                inference.device=tpu
                kafka.processing.guarantee=exactly_once
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> AppConfig.load(file, Map.of("VGGSTREAM_NOPE", "1", "VGGSTREAM_IMAGE_MIN_SIDE", "0")));

        assertThat(e.problems()).hasSize(6);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("batch.max-sise"))
                .anySatisfy(p -> assertThat(p).contains("VGGSTREAM_NOPE"))
                .anySatisfy(p -> assertThat(p).contains("'99999' for key 'http.port'"))
                .anySatisfy(p -> assertThat(p).contains("'tpu' for key 'inference.device'"))
                .anySatisfy(p -> assertThat(p).contains("'0' for key 'image.min-side'"))
                .anySatisfy(p -> assertThat(p).contains("'kafka.processing.guarantee'")
                        .contains("at_least_once, exactly_once_v2"));
        assertThat(e.getMessage()).startsWith("invalid configuration (6 problems): ").doesNotContain("\n");
    }

    @Test
    void a_key_set_twice_in_the_file_is_an_error() throws IOException {
        Path file = write("batch.max-size=8\nbatch.max-size=32\n");

        assertThatThrownBy(() -> AppConfig.load(file, Map.of()))
                .hasMessageContaining("key 'batch.max-size' is set more than once");
    }

    @Test
    void an_empty_value_unsets_an_optional_key_but_is_refused_for_a_key_with_a_default() {
        Properties p = new Properties();
        p.setProperty("model.labels", "");
        p.setProperty("model.preprocessing", "caffe");

        AppConfig config = AppConfig.fromProperties(p, Map.of("VGGSTREAM_MODEL_PREPROCESSING", ""));

        assertThat(config.modelLabels()).isEmpty();
        assertThat(config.modelPreprocessing()).isEmpty();
        assertThatThrownBy(() -> config.with("topics.input", " "))
                .hasMessageContaining("for key 'topics.input'");
    }

    @Test
    void an_empty_kafka_variable_removes_the_key_the_file_set() {
        Properties p = new Properties();
        p.setProperty("kafka.security.protocol", "SSL");

        AppConfig config = AppConfig.fromProperties(p, Map.of("VGGSTREAM_KAFKA_SECURITY_PROTOCOL", ""));

        assertThat(config.kafkaProperties()).doesNotContainKey("security.protocol");
    }

    @Test
    void with_validates_like_the_file_and_overrides_everything() {
        AppConfig config = AppConfig.fromProperties(new Properties(), Map.of("VGGSTREAM_OUTPUT_TOP_K", "3"));

        AppConfig changed = config.with("output.top-k", "10");

        assertThat(changed.outputTopK()).isEqualTo(10);
        assertThat(changed.setting("output.top-k").orElseThrow().source()).isEqualTo(Source.OVERRIDE);
        assertThat(config.outputTopK()).as("the original is unchanged").isEqualTo(3);
        assertThatThrownBy(() -> config.with("output.top-k", "0")).hasMessageContaining("1..1000");
        assertThatThrownBy(() -> config.with("output.topk", "1"))
                .hasMessageContaining("unknown key 'output.topk' (did you mean 'output.top-k'?)");
    }

    @Test
    void the_file_named_by_vggstream_config_is_read_when_no_file_is_given() throws IOException {
        Path file = write("http.port=9090\n");

        AppConfig config = AppConfig.load(null, Map.of("VGGSTREAM_CONFIG", file.toString()));

        assertThat(config.httpPort()).isEqualTo(9090);
        assertThat(config.file()).contains(file);
    }

    @Test
    void a_named_file_that_does_not_exist_is_an_error_not_a_fallback_to_defaults() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> AppConfig.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> AppConfig.load(null, Map.of("VGGSTREAM_CONFIG", missing.toString())))
                .hasMessageContaining("VGGSTREAM_CONFIG");
    }

    @Test
    void the_same_topic_for_input_and_output_is_refused() {
        assertThatThrownBy(() -> AppConfig.defaults().with("topics.output", "images"))
                .hasMessageContaining("topics.input and topics.output are both 'images'");
    }

    @Test
    void fewer_images_in_flight_than_a_batch_holds_is_refused() {
        assertThatThrownBy(() -> AppConfig.defaults().with(Map.of("batch.max-size", "32", "batch.max-in-flight", "8")))
                .hasMessageContaining("batch.max-in-flight (8) must be at least batch.max-size (32)");
    }

    @Test
    void the_getters_carry_the_effective_values() {
        AppConfig config = AppConfig.defaults().with(Map.of(
                "model.labels", "labels/imagenet.txt", "model.image-size", "256", "inference.device", "gpu:1"));

        assertThat(config.modelLabels()).contains(Path.of("labels/imagenet.txt"));
        assertThat(config.modelImageSize()).hasValue(256);
        assertThat(config.inferenceDevice()).isEqualTo("gpu:1");
        assertThat(List.of(config.batchMaxSize(), config.batchMaxWaitMs(), config.batchMaxInFlight(),
                config.batchPunctuateIntervalMs())).containsExactly(16, 50L, 64, 5L);
        assertThat(List.of(config.topicsInput(), config.topicsOutput(), config.topicsDlq()))
                .containsExactly("images", "classifications", "images.dlq");
        assertThat(List.of(config.topicsCreate(), config.topicsPartitions(), config.topicsReplicationFactor()))
                .containsExactly(true, 8, OptionalInt.empty());
        assertThat(List.of(config.imageMaxBytes(), config.imageMaxPixels(), config.imageMinSide(),
                config.imageDecodeTimeoutMs())).containsExactly(10_485_760L, 40_000_000L, 8, 2000L);
        assertThat(config.http()).isEqualTo(new AppConfig.Http(true, "127.0.0.1", 8080));
        assertThat(config.shutdownTimeoutMs()).isEqualTo(30_000L);
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
