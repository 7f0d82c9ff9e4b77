package dev.vggstream.event;

/**
 * An input record that cannot become an {@link ImageEvent}. {@link #reason()} is the word a dead letter and a metric
 * carry; the message says, for a person, which field or header was wrong and how.
 */
public final class EventException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a record was refused. Names are part of the dead-letter contract: add, never rename. */
    public enum Reason {
        /** Null (tombstone) or zero-length value. */
        EMPTY_VALUE,
        /** The value is neither a JSON object nor JPEG/PNG bytes. */
        NOT_JSON_OR_IMAGE,
        /** The image bytes are a known format the model cannot take (GIF, BMP, WebP, TIFF). */
        UNSUPPORTED_FORMAT,
        /** JSON {@code data} decoded fine but is not an image we recognise. */
        NOT_AN_IMAGE,
        /** Malformed or truncated JSON, a top level that is not an object, or content after it. */
        BAD_JSON,
        /** JSON without {@code data}, or with a null or empty one. */
        MISSING_DATA,
        /** A known JSON field holds the wrong JSON type. */
        WRONG_TYPE,
        /** A known JSON field appears twice. */
        DUPLICATE_FIELD,
        /** {@code data} is not base64. */
        BAD_BASE64,
        /** {@code contentType} names something other than JPEG or PNG. */
        UNKNOWN_CONTENT_TYPE,
        /** The value, the JSON document or the decoded image is over its byte limit. */
        TOO_LARGE,
        /** JSON nested deeper than the limit. */
        TOO_DEEP,
        /** A metadata string (field, field name, header or key) is over the length limit. */
        FIELD_TOO_LONG,
        /** A timestamp that is not ISO-8601 or epoch milliseconds, or is out of range. */
        BAD_TIMESTAMP,
        /**
         * A record that waited in the crash-safe buffer by reference and is no longer in its input topic when the
         * buffer is restored (retention or compaction removed it).
         */
        SOURCE_GONE
    }

    private final Reason reason;

    public EventException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public EventException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
