package dev.vggstream.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Layers raw values over the defaults, parses and validates them, and checks the keys that depend on each other. */
final class Resolver {

    private Resolver() {
    }

    /**
     * @param values   raw values of all sources; of two for one key, the higher {@link Source} wins
     * @param problems problems already found (unknown names), reported together with the ones found here
     * @return every registry key and every pass-through {@code kafka.*} key, sorted by name
     * @throws ConfigException listing every problem
     */
    static Map<String, Setting> resolve(List<RawValue> values, List<String> problems) {
        List<String> errors = new ArrayList<>(problems);
        Map<String, RawValue> winners = winners(values);
        Map<String, Setting> settings = new TreeMap<>();
        for (ConfigKey<?> key : ConfigKeys.all()) {
            RawValue raw = winners.remove(key.name());
            Setting s = raw == null ? defaultOf(key) : parse(key, raw, errors);
            if (s != null) {
                settings.put(key.name(), s);
            }
        }
        for (RawValue raw : winners.values()) {
            // An empty value removes a pass-through key, e.g. an environment variable unsetting a file entry.
            if (!raw.text().isBlank()) {
                settings.put(raw.key(), new Setting(raw.key(), raw.text(), raw.text(), raw.source()));
            }
        }
        errors.addAll(crossChecks(settings));
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return settings;
    }

    private static Map<String, RawValue> winners(List<RawValue> values) {
        Map<String, RawValue> winners = new LinkedHashMap<>();
        values.stream()
                .sorted(Comparator.comparing(RawValue::source))
                .forEach(v -> winners.put(v.key(), v));
        return winners;
    }

    private static Setting defaultOf(ConfigKey<?> key) {
        return new Setting(key.name(), key.defaultValue().orElse(null), key.defaultText(), Source.DEFAULT);
    }

    private static Setting parse(ConfigKey<?> key, RawValue raw, List<String> errors) {
        if (raw.text().isBlank() && !key.hasDefault()) {
            return new Setting(key.name(), null, "", raw.source());
        }
        try {
            Object value = key.parse(raw.text());
            return new Setting(key.name(), value, key.format(value), raw.source());
        } catch (IllegalArgumentException e) {
            errors.add("invalid value '" + Redaction.display(key.name(), raw.text()) + "' for key '" + key.name()
                    + "' (" + raw.origin() + "): expected " + key.expected());
            return null;
        }
    }

    // Each check runs only when the keys it reads are valid, so one mistake is not reported twice.
    private static List<String> crossChecks(Map<String, Setting> settings) {
        List<String> errors = new ArrayList<>();
        distinctTopics(settings, errors);
        Object size = value(settings, ConfigKeys.BATCH_MAX_SIZE);
        Object inFlight = value(settings, ConfigKeys.BATCH_MAX_IN_FLIGHT);
        if (size != null && inFlight != null && (Integer) inFlight < (Integer) size) {
            errors.add("batch.max-in-flight (" + inFlight + ") must be at least batch.max-size (" + size
                    + "): fewer images in flight than a batch holds would never fill a batch");
        }
        return errors;
    }

    private static void distinctTopics(Map<String, Setting> settings, List<String> errors) {
        List<ConfigKey<String>> topics = List.of(ConfigKeys.TOPICS_INPUT, ConfigKeys.TOPICS_OUTPUT,
                ConfigKeys.TOPICS_DLQ);
        for (int i = 0; i < topics.size(); i++) {
            for (int j = i + 1; j < topics.size(); j++) {
                Object a = value(settings, topics.get(i));
                if (a != null && Objects.equals(a, value(settings, topics.get(j)))) {
                    errors.add(topics.get(i).name() + " and " + topics.get(j).name() + " are both '" + a
                            + "': the input, output and dead-letter topics must differ");
                }
            }
        }
    }

    private static Object value(Map<String, Setting> settings, ConfigKey<?> key) {
        Setting s = settings.get(key.name());
        return s == null ? null : s.value();
    }
}
