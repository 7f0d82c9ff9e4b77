package dev.vggstream.config;

/**
 * One effective value.
 *
 * @param key    full name, {@code kafka.} prefix included
 * @param value  parsed value of a registry key (null for an optional key left unset), the text of a pass-through
 *               {@code kafka.*} key
 * @param text   canonical text of the value, empty when unset; what Kafka receives for {@code kafka.*} keys
 * @param source where the value came from
 */
public record Setting(String key, Object value, String text, Source source) {

    /** {@code key = value (source: file)}, with secrets hidden: safe to log. */
    public String describe() {
        String shown = value == null ? "<unset>" : Redaction.display(key, text);
        return key + " = " + shown + " (source: " + source.label() + ")";
    }
}
