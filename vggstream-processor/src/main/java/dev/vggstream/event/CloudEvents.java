package dev.vggstream.event;

import dev.vggstream.event.EventException.Reason;
import dev.vggstream.image.ImageFormat;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CloudEvents 1.0 in the Kafka protocol binding, as input: which mode a record is in, and whether its context
 * attributes are complete and well-formed. Attributes are data: {@code dataschema} and {@code source} are checked to
 * be URI-references and never resolved; extensions are ignored.
 */
final class CloudEvents {

    static final String SPEC_VERSION = "1.0";
    /** Header prefix of every context attribute in binary mode. */
    static final String HEADER_PREFIX = "ce_";
    /** Structured mode content types start with this; only {@code application/cloudevents+json} is taken. */
    private static final String STRUCTURED_PREFIX = "application/cloudevents";
    private static final String STRUCTURED_JSON = "application/cloudevents+json";

    static final String SPECVERSION = "specversion";
    static final String ID = "id";
    static final String SOURCE = "source";
    static final String TYPE = "type";
    static final String TIME = "time";
    static final String DATASCHEMA = "dataschema";
    static final String SUBJECT = "subject";
    private static final List<String> REQUIRED = List.of(ID, SOURCE, TYPE);
    /** Any one of these as a header makes a record a binary-mode CloudEvent. */
    private static final List<String> MARKERS = List.of(SPECVERSION, ID, SOURCE, TYPE);
    /** The binary-mode headers read. */
    private static final List<String> READ = List.of(SPECVERSION, ID, SOURCE, TYPE, TIME, DATASCHEMA, SUBJECT);

    // RFC 3339 allows a lowercase 't' and 'z'; an offset is required (no guessing a zone)
    private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_OFFSET_DATE_TIME).toFormatter(Locale.ROOT);

    /** How a mode names an attribute in messages. */
    enum Mode {
        BINARY, STRUCTURED;

        String ref(String attribute) {
            return this == BINARY ? "header '" + HEADER_PREFIX + attribute + "'" : "attribute '" + attribute + "'";
        }
    }

    /**
     * What the event maps to.
     *
     * @param timeMs   {@code time} in epoch milliseconds; null when absent
     * @param declared the format {@code datacontenttype} (binary: {@code content-type}) names; null when absent
     */
    record Attributes(String id, String source, Long timeMs, ImageFormat declared) {
    }

    private CloudEvents() {
    }

    /** A {@code content-type} (lowercase, without parameters) that selects structured mode. */
    static boolean isStructured(String mediaType) {
        return mediaType != null && mediaType.startsWith(STRUCTURED_PREFIX);
    }

    /** Binary mode: a required attribute as a header (a missing {@code ce_specversion} is then a precise error). */
    static boolean isBinary(Headers headers) {
        for (Header h : headers) {
            String k = h.key();
            if (k.startsWith(HEADER_PREFIX) && MARKERS.contains(k.substring(HEADER_PREFIX.length()))) {
                return true;
            }
        }
        return false;
    }

    /** Refuses structured types other than JSON: batches and other event formats. */
    static void requireJsonFormat(String mediaType) throws EventException {
        if (!mediaType.equals(STRUCTURED_JSON)) {
            throw new EventException(Reason.CE_UNSUPPORTED_MODE, "content-type " + Texts.quote(mediaType)
                    + " is not supported; send one event per record, binary mode or " + STRUCTURED_JSON);
        }
    }

    /** The attributes a binary-mode record carries in {@code ce_*} headers; a header given twice is refused. */
    static Map<String, String> binaryAttributes(Headers headers, int maxLength) throws EventException {
        Map<String, String> out = new HashMap<>();
        for (Header h : headers) {
            String k = h.key();
            String name = k.startsWith(HEADER_PREFIX) ? k.substring(HEADER_PREFIX.length()) : null;
            if (name == null || !READ.contains(name)) {
                continue;
            }
            String v = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
            if (v.length() > maxLength) {
                throw new EventException(Reason.FIELD_TOO_LONG, Mode.BINARY.ref(name) + " is longer than "
                        + maxLength + " characters");
            }
            if (out.put(name, v) != null) {
                throw new EventException(Reason.CE_BAD_ATTRIBUTE, Mode.BINARY.ref(name)
                        + " appears more than once");
            }
        }
        return out;
    }

    /**
     * Checks the context attributes: specversion 1.0; id, source and type present and non-empty; source and
     * dataschema URI-references; time RFC 3339; the content type an image type.
     *
     * @param contentType {@code datacontenttype}, or the binary record's {@code content-type}; null if absent
     */
    static Attributes check(Map<String, String> attrs, String contentType, Mode mode) throws EventException {
        String version = attrs.get(SPECVERSION);
        if (version == null || version.isEmpty()) {
            throw new EventException(Reason.CE_MISSING_ATTRIBUTE, mode.ref(SPECVERSION) + " is missing or empty: "
                    + "every CloudEvent needs specversion, id, source and type");
        }
        if (!version.equals(SPEC_VERSION)) {
            throw new EventException(Reason.CE_BAD_SPECVERSION, mode.ref(SPECVERSION) + " is "
                    + Texts.quote(version) + "; only CloudEvents " + SPEC_VERSION + " is accepted");
        }
        for (String name : REQUIRED) {
            String v = attrs.get(name);
            if (v == null || v.isEmpty()) {
                throw new EventException(Reason.CE_MISSING_ATTRIBUTE, mode.ref(name) + " is "
                        + (v == null ? "missing" : "empty") + ": every CloudEvent needs a non-empty " + name);
            }
        }
        requireUriReference(attrs.get(SOURCE), mode.ref(SOURCE));
        if (attrs.containsKey(DATASCHEMA)) {
            requireUriReference(attrs.get(DATASCHEMA), mode.ref(DATASCHEMA));
        }
        String time = attrs.get(TIME);
        return new Attributes(attrs.get(ID), attrs.get(SOURCE), time == null ? null : time(time, mode.ref(TIME)),
                declared(contentType, mode));
    }

    /** The bytes must be what the content type said: a producer sending PNG as image/jpeg has a bug to fix. */
    static void requireMatch(Attributes a, ImageFormat actual, Mode mode) throws EventException {
        if (a.declared() != null && a.declared() != actual) {
            throw new EventException(Reason.CE_CONTENT_TYPE_MISMATCH, contentTypeRef(mode) + " says "
                    + a.declared() + " but the data is a " + actual + " image");
        }
    }

    private static ImageFormat declared(String contentType, Mode mode) throws EventException {
        if (contentType == null) {
            return null;
        }
        ImageFormat f = ImageFormat.ofMediaType(contentType);
        if (!f.decodable()) {
            throw new EventException(Reason.CE_CONTENT_TYPE_MISMATCH, contentTypeRef(mode) + " is "
                    + Texts.quote(contentType) + "; the data must be image/jpeg or image/png");
        }
        return f;
    }

    private static String contentTypeRef(Mode mode) {
        return mode == Mode.BINARY ? "header 'content-type'" : "attribute 'datacontenttype'";
    }

    private static void requireUriReference(String value, String ref) throws EventException {
        try {
            new URI(value); // parses only: nothing is resolved or fetched
        } catch (URISyntaxException e) {
            throw new EventException(Reason.CE_BAD_ATTRIBUTE, ref + " is not a URI-reference: " + Texts.quote(value)
                    + " (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
    }

    private static long time(String text, String ref) throws EventException {
        try {
            return Timestamps.checked(OffsetDateTime.parse(text, RFC_3339).toInstant().toEpochMilli(), ref);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new EventException(Reason.BAD_TIMESTAMP, ref + " must be an RFC 3339 timestamp with a zone"
                    + " (e.g. 2026-11-27T20:00:00Z), got " + Texts.quote(text));
        }
    }
}
