package dev.vggstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Turns the file, a {@link Properties} and the environment into raw values, noting unknown names on the way. */
final class Inputs {

    /** Raw values of one source and the problems found reading them. */
    record Layer(List<RawValue> values, List<String> problems) {
    }

    private Inputs() {
    }

    /** The keys and duplicate-key problems of a properties file, read as UTF-8. */
    static Layer readFile(Path file) {
        DuplicateAwareProperties props = new DuplicateAwareProperties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Layer layer = fromProperties(props, file.toString());
        List<String> problems = new ArrayList<>(layer.problems());
        // Properties keeps the last of two lines silently; the operator edited one of them in vain.
        props.duplicates.forEach(k -> problems.add(file + ": key '" + k + "' is set more than once"));
        return new Layer(layer.values(), problems);
    }

    static Layer fromProperties(Properties props, String origin) {
        List<RawValue> values = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> sorted = new TreeMap<>();
        props.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
        sorted.forEach((key, text) -> {
            if (isKnown(key)) {
                values.add(new RawValue(key, text, Source.FILE, origin));
            } else {
                problems.add(unknownKeyProblem(key, origin));
            }
        });
        return new Layer(values, problems);
    }

    static Layer fromEnvironment(Map<String, String> env) {
        List<RawValue> values = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> claimedBy = new TreeMap<>();
        new TreeMap<>(env).forEach((variable, text) -> {
            if (!variable.startsWith(EnvNames.PREFIX) || EnvNames.LAUNCHER_VARIABLES.contains(variable)) {
                return;
            }
            String key = keyForVariable(variable);
            if (key == null) {
                problems.add(unknownVariable(variable));
                return;
            }
            String other = claimedBy.putIfAbsent(key, variable);
            if (other != null) {
                problems.add("environment variables " + other + " and " + variable + " both set '" + key + "'");
                return;
            }
            values.add(new RawValue(key, text, Source.ENV, "env " + variable));
        });
        return new Layer(values, problems);
    }

    /** A registry key or a {@code kafka.*} pass-through; nothing else may be set. */
    static boolean isKnown(String key) {
        return ConfigKeys.find(key).isPresent() || isKafkaPassThrough(key);
    }

    static boolean isKafkaPassThrough(String key) {
        return key.startsWith(ConfigKey.KAFKA_PREFIX) && key.length() > ConfigKey.KAFKA_PREFIX.length();
    }

    static String unknownKeyProblem(String key, String origin) {
        return origin + ": unknown key '" + key + "'" + hint(key, registryNames(), "'", "'");
    }

    // Registry keys first, matched on normalised names; only then the mechanical kafka.* mapping.
    private static String keyForVariable(String variable) {
        var registered = ConfigKeys.findByEnvName(variable);
        if (registered.isPresent()) {
            return registered.get().name();
        }
        String suffix = variable.substring(EnvNames.PREFIX.length());
        String kafka = "KAFKA_";
        if (suffix.startsWith(kafka) && suffix.length() > kafka.length()) {
            return ConfigKey.KAFKA_PREFIX + suffix.substring(kafka.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        return null;
    }

    private static String unknownVariable(String variable) {
        Set<String> known = new TreeSet<>(EnvNames.LAUNCHER_VARIABLES);
        ConfigKeys.all().forEach(k -> known.add(k.envName()));
        return "environment variable " + variable + " matches no configuration key" + hint(variable, known, "", "")
                + "; the only other " + EnvNames.PREFIX + " variables allowed are "
                + String.join(", ", new TreeSet<>(EnvNames.LAUNCHER_VARIABLES));
    }

    private static List<String> registryNames() {
        return ConfigKeys.all().stream().map(ConfigKey::name).toList();
    }

    private static String hint(String wanted, Collection<String> candidates, String open, String close) {
        return Suggestions.closest(wanted, candidates)
                .map(s -> " (did you mean " + open + s + close + "?)")
                .orElse("");
    }

    /** Remembers the keys {@link Properties#load} saw twice. */
    private static final class DuplicateAwareProperties extends Properties {
        private final transient Set<String> duplicates = new TreeSet<>();

        @Override
        public synchronized Object put(Object key, Object value) {
            Object previous = super.put(key, value);
            if (previous != null) {
                duplicates.add(String.valueOf(key));
            }
            return previous;
        }
    }
}
