package dev.vggstream.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.vggstream.event.EventException.Reason;
import dev.vggstream.image.ImageFormat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns an input record into an {@link ImageEvent}, or says precisely why not. Immutable and thread-safe: build one
 * and share it.
 *
 * <p>A record is JSON when its {@code content-type} header is {@code application/json} (or any {@code +json} type)
 * or its value's first non-whitespace byte is <code>{</code>; otherwise the value must be JPEG or PNG bytes, with
 * metadata in the {@code vggstream.*} headers. JSON records take metadata from the body only, raw ones from headers
 * only. Missing metadata defaults the same way for both: id to {@code topic-partition-offset}, source to the record
 * key (UTF-8, null if there is none), timestamp to the record timestamp.
 *
 * <p>The image format is always what the bytes are. A declared format that disagrees is not an error (the bytes
 * are what the decoder will see) but is kept as {@link ImageEvent#declaredFormat()} so it can be counted.
 */
public final class EventParser {
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final EventLimits limits;
    private final JsonFactory json;

    public EventParser() {
        this(EventLimits.DEFAULT);
    }

    public EventParser(EventLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.json = jsonFactory(limits);
    }

    public EventLimits limits() {
        return limits;
    }

    /** The event in {@code record}; {@link EventException} with a reason and a message naming the culprit if none. */
    public ImageEvent parse(InputRecord record) throws EventException {
        byte[] value = record.value();
        if (value == null) {
            throw new EventException(Reason.EMPTY_VALUE, "value is null (a tombstone): no image");
        }
        if (value.length == 0) {
            throw new EventException(Reason.EMPTY_VALUE, "value is empty: no image");
        }
        String contentType = EventHeaders.contentType(record.headers());
        return isJson(contentType, value) ? fromJson(record, value) : fromRaw(record, value, contentType);
    }

    private ImageEvent fromJson(InputRecord record, byte[] value) throws EventException {
        if (value.length > limits.maxJsonBytes()) {
            throw new EventException(Reason.TOO_LARGE, "JSON value is " + value.length + " bytes, more than the "
                    + limits.maxJsonBytes() + "-byte limit");
        }
        JsonEventReader.Fields f = JsonEventReader.read(json, limits, value);
        ImageFormat format = ImageFormat.detect(f.data());
        if (format == ImageFormat.UNKNOWN) {
            throw new EventException(Reason.NOT_AN_IMAGE, "field 'data' is not a JPEG or PNG image; it starts with "
                    + Texts.preview(f.data()));
        }
        requireDecodable(format, "field 'data'");
        return new ImageEvent(f.id() != null ? f.id() : record.position(),
                f.source() != null ? f.source() : keyAsSource(record),
                f.timestampMs() != null ? f.timestampMs() : record.timestamp(),
                format, f.data(), ImageEvent.Encoding.JSON, f.declaredFormat());
    }

    private ImageEvent fromRaw(InputRecord record, byte[] value, String contentType) throws EventException {
        ImageFormat format = ImageFormat.detect(value);
        if (format == ImageFormat.UNKNOWN) {
            throw new EventException(Reason.NOT_JSON_OR_IMAGE, "value is neither a JSON object nor a JPEG or PNG"
                    + " image; it starts with " + Texts.preview(value));
        }
        requireDecodable(format, "value");
        if (value.length > limits.maxImageBytes()) {
            throw new EventException(Reason.TOO_LARGE, "image is " + value.length + " bytes, more than the "
                    + limits.maxImageBytes() + "-byte limit");
        }
        String id = header(record, EventHeaders.ID);
        String source = header(record, EventHeaders.SOURCE);
        String timestamp = header(record, EventHeaders.TIMESTAMP);
        long timestampMs = timestamp != null
                ? Timestamps.parseText(timestamp, "header '" + EventHeaders.TIMESTAMP + "'") : record.timestamp();
        return new ImageEvent(id != null ? id : record.position(), source != null ? source : keyAsSource(record),
                timestampMs, format, value, ImageEvent.Encoding.RAW, declared(contentType));
    }

    private static void requireDecodable(ImageFormat format, String what) throws EventException {
        if (!format.decodable()) {
            throw new EventException(Reason.UNSUPPORTED_FORMAT, what + " is a " + format
                    + " image; only JPEG and PNG are accepted");
        }
    }

    /** A {@code vggstream.*} header's text; null when absent or empty, like an absent JSON field. */
    private String header(InputRecord record, String name) throws EventException {
        String s = EventHeaders.text(record.headers(), name);
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.length() > limits.maxStringLength()) {
            throw new EventException(Reason.FIELD_TOO_LONG, "header '" + name + "' is longer than "
                    + limits.maxStringLength() + " characters");
        }
        return s;
    }

    /** Keys are often a camera or device id, hence the default source. Binary keys decode lossily, never fail. */
    private String keyAsSource(InputRecord record) throws EventException {
        byte[] key = record.key();
        if (key == null || key.length == 0) {
            return null;
        }
        String s = new String(key, StandardCharsets.UTF_8);
        if (s.length() > limits.maxStringLength()) {
            throw new EventException(Reason.FIELD_TOO_LONG, "record key (the default source) is longer than "
                    + limits.maxStringLength() + " characters");
        }
        return s;
    }

    /** What a raw record's content-type header claims, if it names an image format at all. */
    private static ImageFormat declared(String contentType) {
        ImageFormat f = ImageFormat.ofMediaType(contentType);
        return f == ImageFormat.UNKNOWN ? null : f;
    }

    static boolean isJson(String contentType, byte[] value) {
        if (contentType != null) {
            String t = mediaType(contentType);
            if (t.equals("application/json") || t.endsWith("+json")) {
                return true;
            }
        }
        int i = startsWith(value, UTF8_BOM) ? UTF8_BOM.length : 0;
        while (i < value.length && isJsonSpace(value[i])) {
            i++;
        }
        return i < value.length && value[i] == '{';
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).strip().toLowerCase(Locale.ROOT);
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Jackson's own limits back ours up: depth (also inside skipped fields, and without recursion), string length
     * (the longest {@code data}), field-name length and document length. Canonicalizing field names stays on:
     * without it Jackson reads byte input through a slower char-based parser.
     */
    private static JsonFactory jsonFactory(EventLimits limits) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth())
                .maxDocumentLength(limits.maxJsonBytes())
                .maxStringLength(limits.maxDataChars())
                .maxNameLength(limits.maxStringLength())
                .build();
        return JsonFactory.builder().streamReadConstraints(constraints).build();
    }
}
