package dev.vggstream.image;

/**
 * Bounds on what the decoder accepts, checked before pixels are allocated.
 *
 * @param maxBytes  encoded size
 * @param maxPixels declared width x height
 * @param minSide   images with a smaller side are refused (a 1x1 image says nothing a classifier can use)
 */
public record ImageLimits(long maxBytes, long maxPixels, int minSide) {

    public static final ImageLimits DEFAULT = new ImageLimits(16L << 20, 40_000_000L, 1);

    public ImageLimits {
        if (maxBytes < 1 || maxPixels < 1 || minSide < 1) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }
}
