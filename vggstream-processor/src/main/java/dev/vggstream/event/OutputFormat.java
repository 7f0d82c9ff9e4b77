package dev.vggstream.event;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * How results and dead letters are labelled: plain ({@code content-type: application/json} on results, dead letters
 * as {@link DeadLetter} makes them) or as CloudEvents 1.0 in the Kafka binding's binary mode. The values are the
 * same either way, so a consumer can switch by reading headers only.
 *
 * <p>A CloudEvent's {@code id} is the input record's position ({@code topic-partition-offset}): a result computed
 * twice (at-least-once after a crash) keeps its id, which is how CloudEvents consumers recognise a duplicate.
 *
 * @param source the {@code ce_source} of what this processor writes; unused for {@link Kind#JSON}
 */
public record OutputFormat(Kind kind, String source) {

    /** {@code ce_type} of a classification. Versioned: a change that breaks readers gets a new type. */
    public static final String RESULT_TYPE = "dev.vggstream.classification.v1";
    /** {@code ce_type} of a dead letter. */
    public static final String DEAD_LETTER_TYPE = "dev.vggstream.deadletter.v1";
    /** Prefix under which a dead letter keeps the failed record's own CloudEvents headers, for replay. */
    public static final String ORIGINAL_PREFIX = "vggstream.original.";
    /** CloudEvents extension attributes of a dead letter (lowercase letters only, as the spec asks). */
    public static final String CE_REASON = "ce_deadletterreason";
    public static final String CE_STAGE = "ce_deadletterstage";
    public static final String CE_MESSAGE = "ce_deadlettermessage";

    private static final String JSON = "application/json";

    public enum Kind {
        JSON, CLOUDEVENTS;

        /** {@code json} or {@code cloudevents}, as {@code output.format} spells it. */
        public static Kind parse(String s) {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        }
    }

    public OutputFormat {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.CLOUDEVENTS && (source == null || source.isEmpty())) {
            throw new IllegalArgumentException("CloudEvents output needs a source");
        }
    }

    public static final OutputFormat PLAIN = new OutputFormat(Kind.JSON, null);

    /** The default {@code ce_source}: the application id names the processor that wrote the event. */
    public static String defaultSource(String applicationId) {
        return "/vggstream/" + applicationId;
    }

    /** Headers of the result of {@code input}, whose event had {@code eventId} and {@code eventTimestampMs}. */
    public Headers result(InputRecord input, String eventId, long eventTimestampMs) {
        RecordHeaders h = new RecordHeaders();
        add(h, EventHeaders.CONTENT_TYPE, JSON);
        if (kind == Kind.CLOUDEVENTS) {
            context(h, input.position(), RESULT_TYPE, eventTimestampMs);
            add(h, "ce_subject", eventId);
        }
        return h;
    }

    /**
     * Dead-letter headers ({@code deadLetter}, from {@link DeadLetter#headers}) as this format writes them. As a
     * CloudEvent the record's own {@code ce_*} and {@code content-type} headers move under {@link #ORIGINAL_PREFIX}
     * (they describe the failed input, not this event) and the reason also travels as extension attributes, which
     * CloudEvents SDKs expose where they drop other headers.
     */
    public Headers deadLetter(InputRecord failed, Headers deadLetter) {
        if (kind == Kind.JSON) {
            return deadLetter;
        }
        RecordHeaders h = new RecordHeaders();
        String contentType = null;
        for (Header x : deadLetter) {
            boolean own = x.key().startsWith(CloudEvents.HEADER_PREFIX)
                    || x.key().equalsIgnoreCase(EventHeaders.CONTENT_TYPE);
            if (x.key().equalsIgnoreCase(EventHeaders.CONTENT_TYPE) && x.value() != null) {
                contentType = new String(x.value(), StandardCharsets.UTF_8);
            }
            h.add(own ? ORIGINAL_PREFIX + x.key() : x.key(), x.value());
        }
        context(h, failed.position(), DEAD_LETTER_TYPE, failed.timestamp());
        add(h, "ce_subject", failed.position());
        String dataType = dataContentType(contentType);
        if (dataType != null) {
            add(h, EventHeaders.CONTENT_TYPE, dataType);
        }
        copy(deadLetter, EventHeaders.ERROR_REASON, h, CE_REASON);
        copy(deadLetter, EventHeaders.ERROR_STAGE, h, CE_STAGE);
        copy(deadLetter, EventHeaders.ERROR_MESSAGE, h, CE_MESSAGE);
        return h;
    }

    /**
     * The dead letter's data is the failed value. A structured CloudEvent's type cannot label binary-mode data (it
     * would switch the record to structured mode): its bytes are JSON, so they are labelled so.
     */
    private static String dataContentType(String original) {
        if (original == null) {
            return null;
        }
        return original.strip().toLowerCase(Locale.ROOT).startsWith("application/cloudevents") ? JSON : original;
    }

    private void context(Headers h, String id, String type, long timeMs) {
        add(h, "ce_specversion", CloudEvents.SPEC_VERSION);
        add(h, "ce_id", id);
        add(h, "ce_source", source);
        add(h, "ce_type", type);
        add(h, "ce_time", Timestamps.iso(timeMs));
    }

    private static void copy(Headers from, String key, Headers to, String as) {
        Header x = from.lastHeader(key);
        if (x != null) {
            to.add(as, x.value());
        }
    }

    private static void add(Headers h, String key, String value) {
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
