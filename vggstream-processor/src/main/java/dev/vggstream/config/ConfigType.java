package dev.vggstream.config;

/**
 * The kinds of value a {@link ConfigKey} holds. The kind decides how text is parsed and which Java type the typed
 * getters return; range and pattern checks are the key's own business.
 */
public enum ConfigType {
    /** {@link String}. */
    STRING,
    /** {@link Integer}. */
    INT,
    /** {@link Long}. */
    LONG,
    /** {@link Double}; NaN and infinities are refused. */
    DOUBLE,
    /** {@link Boolean}: only {@code true} or {@code false}, as Kafka does, so a typo is not read as false. */
    BOOLEAN,
    /** {@link String}, one of a fixed lowercase set. */
    ENUM,
    /** {@link Long} milliseconds. */
    DURATION_MS,
    /** {@link java.nio.file.Path}, relative to the working directory when not absolute. */
    PATH,
    /** {@link String}: a host name, an IPv4 address or an IPv6 literal. */
    HOST
}
