package dev.vggstream.config;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped config/application.properties and the registry describe the same keys. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ApplicationPropertiesFileTest {

    // Surefire runs in the project root, where the file ships.
    private static final Path FILE = Path.of("config", "application.properties");

    @Test
    void every_registry_key_is_in_the_file_set_to_its_default() throws IOException {
        Properties file = read();

        assertThat(ConfigKeys.all()).allSatisfy(key -> {
            assertThat(file.getProperty(key.name())).as(key.name()).isNotNull();
            assertThat(file.getProperty(key.name()).strip()).as(key.name()).isEqualTo(key.defaultText());
        });
    }

    @Test
    void the_file_has_no_key_the_registry_lacks() throws IOException {
        Set<String> registry = ConfigKeys.all().stream().map(ConfigKey::name).collect(Collectors.toSet());

        assertThat(read().stringPropertyNames()).isSubsetOf(registry);
    }

    @Test
    void every_key_in_the_file_is_preceded_by_comment_lines_that_state_its_default() throws IOException {
        List<String> lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);

        for (ConfigKey<?> key : ConfigKeys.all()) {
            int at = lines.indexOf(key.name() + "=" + key.defaultText());
            assertThat(at).as(key.name()).isGreaterThan(0);
            String previous = lines.get(at - 1);
            assertThat(previous).as("comment above " + key.name()).startsWith("# ").contains("Default:");
        }
    }

    @Test
    void loading_the_shipped_file_gives_the_built_in_defaults_from_source_file() {
        AppConfig config = AppConfig.load(FILE, Map.of());
        AppConfig defaults = AppConfig.defaults();

        assertThat(ConfigKeys.all()).allSatisfy(key -> {
            assertThat(config.setting(key.name()).orElseThrow().value()).as(key.name())
                    .isEqualTo(defaults.setting(key.name()).orElseThrow().value());
            assertThat(config.setting(key.name()).orElseThrow().source()).as(key.name()).isEqualTo(Source.FILE);
        });
        assertThat(config.kafkaProperties()).isEqualTo(defaults.kafkaProperties());
    }

    @Test
    void the_commented_out_security_examples_become_valid_when_uncommented() throws IOException {
        String text = Files.readString(FILE, StandardCharsets.UTF_8);
        Properties examples = new Properties();
        examples.load(new StringReader(text.replaceAll("(?m)^#(kafka\\.)", "$1")));

        assertThat(examples.getProperty("kafka.security.protocol")).isIn("SASL_SSL", "SSL");
        assertThat(examples.stringPropertyNames())
                .contains("kafka.sasl.mechanism", "kafka.sasl.jaas.config", "kafka.ssl.truststore.location",
                        "kafka.ssl.keystore.password", "kafka.ssl.key.password");
        assertThat(examples.stringPropertyNames()).allSatisfy(k -> assertThat(Inputs.isKnown(k)).isTrue());
    }

    private static Properties read() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(FILE, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }
}
