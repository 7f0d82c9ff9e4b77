package dev.vggstream.image;

/** Reads the one EXIF tag that changes what a picture shows: Orientation (0x0112). */
final class Exif {
    private static final int ORIENTATION_TAG = 0x0112;

    private Exif() {
    }

    /** The orientation in an APP1 segment body {@code [start, end)}, 1 when absent or unreadable. */
    static int orientation(byte[] b, int start, int end) {
        if (end - start < 14 || b[start] != 'E' || b[start + 1] != 'x' || b[start + 2] != 'i' || b[start + 3] != 'f'
                || b[start + 4] != 0 || b[start + 5] != 0) {
            return 1;
        }
        int tiff = start + 6;
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 1;
        }
        int p = (int) (tiff + ifd);
        int count = u16(b, p, little);
        p += 2;
        for (int i = 0; i < count && p + 12 <= end; i++, p += 12) {
            if (u16(b, p, little) == ORIENTATION_TAG) {
                int value = u16(b, p + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int i, boolean little) {
        int a = b[i] & 0xff;
        int c = b[i + 1] & 0xff;
        return little ? a | (c << 8) : (a << 8) | c;
    }

    private static long u32(byte[] b, int i, boolean little) {
        long v = 0;
        for (int k = 0; k < 4; k++) {
            int byteIndex = little ? i + 3 - k : i + k;
            v = (v << 8) | (b[byteIndex] & 0xff);
        }
        return v;
    }
}
