package dev.vggstream.image;

import java.util.Locale;

/** Which decoder reads YCbCr and grey JPEGs (CMYK ones and PNGs always go through ImageIO). */
public enum JpegCodec {
    /** The JDK's ImageIO: refuses corrupt entropy-coded data; decodes can be stopped at the timeout. */
    JDK,
    /** TensorFlow's libjpeg-turbo: about twice as fast, Pillow's decoder; decodes corrupt data as Pillow does. */
    LIBJPEG_TURBO;

    public static JpegCodec parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "jdk" -> JDK;
            case "libjpeg-turbo" -> LIBJPEG_TURBO;
            default -> throw new IllegalArgumentException("unknown JPEG decoder '" + text
                    + "': expected jdk or libjpeg-turbo");
        };
    }
}
