package dev.vggstream.image;

import java.util.Locale;

/**
 * Whether a large JPEG may be decoded at a reduced size ({@code image.jpeg-scale}). libjpeg-turbo can decode at 1/2,
 * 1/4 or 1/8 of the stored size in the DCT domain: it skips most of the inverse transform's work and the colour
 * conversion and upsampling of the pixels it does not produce (the entropy decoding still reads every bit). A 1080p
 * frame needs only a 256 px short side for a 224 px model, so most of a full decode would be thrown away by the
 * resize that follows.
 */
public enum JpegScale {
    /** The largest reduction whose output is still at least what the resize step needs; libjpeg-turbo only. */
    AUTO,
    /** Always the full size: Pillow's pixels bit for bit, as torchvision's ImageNet evaluation prepares them. */
    EXACT;

    /** The reductions libjpeg-turbo offers (besides 1), largest first. */
    static final int[] REDUCTIONS = {8, 4, 2};

    /** The lowercase name used in config. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JpegScale parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "auto" -> AUTO;
            case "exact" -> EXACT;
            default -> throw new IllegalArgumentException("unknown JPEG scale '" + text + "': expected auto or exact");
        };
    }

    /**
     * The largest reduction (8, 4, 2, else 1) at which a JPEG stored as {@code storedWidth x storedHeight} still
     * gives {@code preparer}'s resize step at least the pixels it needs, i.e. that step only shrinks the image.
     *
     * <p>The decoder reduces the image as stored (each side rounded up: {@code ceil(side / r)}, as libjpeg does),
     * but the need is that of the image as displayed: an EXIF orientation 5-8 swaps width and height before the
     * resize. For a square model the swap changes nothing (only the short side counts); for a model wider than tall
     * it does, so the reduced stored size is swapped before it is compared.
     */
    public static int reduction(int storedWidth, int storedHeight, int orientation, ImagePreparer preparer) {
        boolean swapped = orientation >= 5 && orientation <= 8;
        for (int r : REDUCTIONS) {
            int w = ceilDiv(storedWidth, r);
            int h = ceilDiv(storedHeight, r);
            if (swapped ? preparer.onlyShrinks(h, w) : preparer.onlyShrinks(w, h)) {
                return r;
            }
        }
        return 1;
    }

    /** {@code ceil(a / b)} for positive ints, as libjpeg's {@code jdiv_round_up}. */
    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
