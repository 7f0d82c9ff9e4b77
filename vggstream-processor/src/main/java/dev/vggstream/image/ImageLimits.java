package dev.vggstream.image;

/**
 * Bounds on what the decoder accepts, checked before pixels are allocated, and on how long one decode may take.
 *
 * @param maxBytes        encoded size
 * @param maxPixels       declared width x height
 * @param minSide         images with a smaller side are refused (a 1x1 image says nothing a classifier can use)
 * @param decodeTimeoutMs longest one image may spend in the decoder ({@code image.decode-timeout-ms}); a decode
 *                        that runs over is stopped and refused with {@link ImageException.Reason#TIMEOUT}
 */
public record ImageLimits(long maxBytes, long maxPixels, int minSide, long decodeTimeoutMs) {

    /** The default of {@code image.decode-timeout-ms}. */
    public static final long DEFAULT_DECODE_TIMEOUT_MS = 2_000;

    public static final ImageLimits DEFAULT = new ImageLimits(16L << 20, 40_000_000L, 1);

    public ImageLimits {
        if (maxBytes < 1 || maxPixels < 1 || minSide < 1 || decodeTimeoutMs < 1) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    /** Limits with the default decode timeout. */
    public ImageLimits(long maxBytes, long maxPixels, int minSide) {
        this(maxBytes, maxPixels, minSide, DEFAULT_DECODE_TIMEOUT_MS);
    }

    public ImageLimits withDecodeTimeoutMs(long ms) {
        return new ImageLimits(maxBytes, maxPixels, minSide, ms);
    }
}
