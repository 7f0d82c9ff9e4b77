package dev.vggstream.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One application setting: its name, kind, default, description and validation. All of them are declared in
 * {@link ConfigKeys}; instances are not created elsewhere so that the registry stays the single source of truth.
 *
 * @param <T> the Java type of the parsed value
 */
public final class ConfigKey<T> {

    /** Prefix of the keys handed to Kafka Streams with the prefix removed. */
    public static final String KAFKA_PREFIX = "kafka.";

    private final String name;
    private final ConfigType type;
    private final T defaultValue;
    private final String description;
    private final Function<String, T> parser;
    private final Predicate<T> rule;
    private final String expected;
    private final List<String> allowedValues;

    ConfigKey(String name, ConfigType type, T defaultValue, String description, Function<String, T> parser,
              Predicate<T> rule, String expected, List<String> allowedValues) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description);
        this.parser = Objects.requireNonNull(parser);
        this.rule = Objects.requireNonNull(rule);
        this.expected = Objects.requireNonNull(expected);
        this.allowedValues = List.copyOf(allowedValues);
        // A default that its own key would refuse is a programming error: fail when the registry loads.
        if (defaultValue != null && !rule.test(defaultValue)) {
            throw new IllegalStateException("default of " + name + " is not " + expected);
        }
    }

    public String name() {
        return name;
    }

    public ConfigType type() {
        return type;
    }

    /** Empty for keys that are optional: when not set, the component decides (usually from the model). */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    /** One line, for the shipped properties file and for {@code --help}-style listings. */
    public String description() {
        return description;
    }

    /** What a valid value looks like, e.g. "an integer in 1..1024"; quoted in error messages. */
    public String expected() {
        return expected;
    }

    /** For {@link ConfigType#ENUM} keys the accepted values, otherwise empty. */
    public List<String> allowedValues() {
        return allowedValues;
    }

    /** The default as written in {@code config/application.properties}; empty for optional keys. */
    public String defaultText() {
        return defaultValue == null ? "" : format(defaultValue);
    }

    /** The environment variable that overrides this key, e.g. {@code VGGSTREAM_BATCH_MAX_SIZE}. */
    public String envName() {
        return EnvNames.PREFIX + EnvNames.normalise(name);
    }

    public boolean isKafka() {
        return name.startsWith(KAFKA_PREFIX);
    }

    /**
     * Parses and validates {@code text}.
     *
     * @throws IllegalArgumentException with {@link #expected()} as message when the text is not a valid value
     */
    public T parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(expected);
        }
        T value;
        try {
            value = parser.apply(trimmed);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(expected, e);
        }
        if (value == null || !rule.test(value)) {
            throw new IllegalArgumentException(expected);
        }
        return value;
    }

    /** The text form of a value of this key, such that {@code parse(format(v))} gives {@code v} back. */
    public String format(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        return type == ConfigType.ENUM ? s.toLowerCase(Locale.ROOT) : s;
    }

    @Override
    public String toString() {
        return name;
    }
}
