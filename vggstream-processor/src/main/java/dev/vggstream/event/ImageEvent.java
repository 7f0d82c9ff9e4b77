package dev.vggstream.event;

import dev.vggstream.image.ImageFormat;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * An image to classify, with the metadata the output carries.
 *
 * @param id             the event's id, else {@code topic-partition-offset}
 * @param source         where the image came from (e.g. a camera), else the record key; null if neither
 * @param timestampMs    epoch milliseconds: the event's own, else the record's
 * @param format         what the bytes are (detected from them, never taken from a declaration)
 * @param image          encoded image bytes (not copied)
 * @param encoding       how the record carried it
 * @param declaredFormat what the producer said it is ({@code contentType} / {@code content-type}); null if it said
 *                       nothing. Kept so a mismatch can be counted; see {@link #formatMismatch()}.
 */
public record ImageEvent(String id, String source, long timestampMs, ImageFormat format, byte[] image,
                         Encoding encoding, ImageFormat declaredFormat) {

    /** How an input record carries its image. */
    public enum Encoding {
        /** A JSON object with base64 {@code data}. */
        JSON,
        /** The value is the image; metadata is in headers. */
        RAW
    }

    public ImageEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(encoding, "encoding");
    }

    /** An event whose producer declared no format. */
    public ImageEvent(String id, String source, long timestampMs, ImageFormat format, byte[] image,
                      Encoding encoding) {
        this(id, source, timestampMs, format, image, encoding, null);
    }

    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMs);
    }

    /** The producer declared one format and sent another; the bytes won, but the producer has a bug worth seeing. */
    public boolean formatMismatch() {
        return declaredFormat != null && declaredFormat != format;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageEvent e && id.equals(e.id) && Objects.equals(source, e.source)
                && timestampMs == e.timestampMs && format == e.format && Arrays.equals(image, e.image)
                && encoding == e.encoding && declaredFormat == e.declaredFormat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, timestampMs, format, Arrays.hashCode(image), encoding, declaredFormat);
    }

    @Override
    public String toString() {
        return "ImageEvent[id=" + id + ", source=" + source + ", timestamp=" + timestamp() + ", format=" + format
                + ", image=" + image.length + " bytes, encoding=" + encoding
                + (declaredFormat == null ? "" : ", declaredFormat=" + declaredFormat) + "]";
    }
}
