package dev.vggstream.image;

/**
 * Image formats told apart by their first bytes. Only JPEG and PNG are decoded; the others are named so a refusal
 * can say what arrived.
 */
public enum ImageFormat {
    JPEG("image/jpeg"), PNG("image/png"), GIF("image/gif"), BMP("image/bmp"), WEBP("image/webp"), TIFF("image/tiff"),
    UNKNOWN("application/octet-stream");

    private final String mediaType;

    ImageFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public boolean decodable() {
        return this == JPEG || this == PNG;
    }

    /** The format the bytes start like, {@link #UNKNOWN} if none. */
    public static ImageFormat detect(byte[] b) {
        if (b == null) {
            return UNKNOWN;
        }
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(b, 'G', 'I', 'F', '8')) {
            return GIF;
        }
        if (startsWith(b, 'B', 'M')) {
            return BMP;
        }
        if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B'
                && b[11] == 'P') {
            return WEBP;
        }
        if (startsWith(b, 'I', 'I', 42, 0) || startsWith(b, 'M', 'M', 0, 42)) {
            return TIFF;
        }
        return UNKNOWN;
    }

    /** The format a media type names, {@link #UNKNOWN} if none. */
    public static ImageFormat ofMediaType(String type) {
        if (type == null) {
            return UNKNOWN;
        }
        String t = type.trim().toLowerCase(java.util.Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi).trim();
        }
        if (t.equals("image/jpg") || t.equals("image/pjpeg")) {
            return JPEG;
        }
        for (ImageFormat f : values()) {
            if (f != UNKNOWN && f.mediaType.equals(t)) {
                return f;
            }
        }
        return UNKNOWN;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xff) != (prefix[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
