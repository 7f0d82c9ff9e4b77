package dev.vggstream.event;

/**
 * Bounds the parser enforces before it spends memory or time on a record.
 *
 * @param maxImageBytes   encoded image size, raw value or decoded {@code data}
 * @param maxJsonBytes    a JSON value's size; {@link #forImages} leaves room for base64, escaped line breaks and
 *                        64 KiB of metadata
 * @param maxNestingDepth JSON depth, the top-level object counting as 1; also bounds unknown fields
 * @param maxStringLength length (UTF-16 units) of every metadata string: {@code id}, {@code source},
 *                        {@code timestamp}, {@code contentType}, field names, {@code vggstream.*} headers and the
 *                        record key when it becomes the source. Not {@code data}, which {@code maxImageBytes} bounds.
 */
public record EventLimits(long maxImageBytes, long maxJsonBytes, int maxNestingDepth, int maxStringLength) {

    /** Same as the decoder's own default ({@code ImageLimits.DEFAULT}), so neither refuses what the other takes. */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 16L << 20;
    public static final int DEFAULT_MAX_NESTING_DEPTH = 16;
    public static final int DEFAULT_MAX_STRING_LENGTH = 1024;
    /** Keeps every derived size (base64 text, JSON document) inside a Java array. */
    public static final long MAX_IMAGE_BYTES = 1L << 30;
    private static final long METADATA_ROOM = 64L << 10;

    public static final EventLimits DEFAULT = forImages(DEFAULT_MAX_IMAGE_BYTES);

    public EventLimits {
        if (maxImageBytes < 1 || maxImageBytes > MAX_IMAGE_BYTES) {
            throw new IllegalArgumentException("maxImageBytes must be 1.." + MAX_IMAGE_BYTES + ", got " + maxImageBytes);
        }
        if (maxJsonBytes < 2 || maxJsonBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxJsonBytes must be 2.." + (Integer.MAX_VALUE - 8) + ", got "
                    + maxJsonBytes);
        }
        if (maxNestingDepth < 1) {
            throw new IllegalArgumentException("maxNestingDepth must be at least 1, got " + maxNestingDepth);
        }
        // the raw scan looks 6 bytes per character ahead (\\uXXXX), which must stay an int
        if (maxStringLength < 1 || maxStringLength > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("maxStringLength must be 1.." + Integer.MAX_VALUE / 8 + ", got "
                    + maxStringLength);
        }
    }

    /** Defaults for images up to {@code maxImageBytes}. */
    public static EventLimits forImages(long maxImageBytes) {
        return new EventLimits(maxImageBytes, defaultMaxJsonBytes(maxImageBytes), DEFAULT_MAX_NESTING_DEPTH,
                DEFAULT_MAX_STRING_LENGTH);
    }

    /**
     * base64 of the largest image, plus 1/16 for MIME line breaks (an escaped {@code \r\n} every 76 characters is
     * 5.3%), plus 64 KiB for the other fields.
     */
    public static long defaultMaxJsonBytes(long maxImageBytes) {
        long b64 = base64Length(maxImageBytes);
        return b64 + b64 / 16 + METADATA_ROOM;
    }

    /** Longest {@code data} string: base64 of the largest image plus 1/32 for CR LF pairs (2.6%). */
    public int maxDataChars() {
        long b64 = base64Length(maxImageBytes);
        return (int) Math.min(Integer.MAX_VALUE - 8, b64 + b64 / 32);
    }

    public EventLimits withMaxJsonBytes(long bytes) {
        return new EventLimits(maxImageBytes, bytes, maxNestingDepth, maxStringLength);
    }

    private static long base64Length(long bytes) {
        return (bytes + 2) / 3 * 4;
    }
}
