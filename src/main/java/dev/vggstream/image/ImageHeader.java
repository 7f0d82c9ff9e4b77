package dev.vggstream.image;

import java.util.zip.CRC32;

/**
 * What an image declares about itself, read from its header bytes before any pixel is allocated: format,
 * dimensions and, for JPEG, the EXIF orientation. This is where decompression bombs are caught (a few-KB PNG can
 * declare 30000x30000) and where broken PNG chunks are found, which the JDK decoder would not check.
 *
 * @param orientation EXIF orientation 1-8 (1 = as stored); PNGs are always 1
 */
public record ImageHeader(ImageFormat format, int width, int height, int components, int orientation) {

    public long pixels() {
        return (long) width * height;
    }

    /** Parses the header; for PNG also verifies every chunk's CRC and that the file reaches IEND. */
    public static ImageHeader read(byte[] data) throws ImageException {
        if (data == null || data.length == 0) {
            throw new ImageException(ImageException.Reason.EMPTY, "empty image");
        }
        ImageFormat format = ImageFormat.detect(data);
        switch (format) {
            case JPEG:
                return readJpeg(data);
            case PNG:
                return readPng(data);
            case UNKNOWN:
                throw new ImageException(ImageException.Reason.UNSUPPORTED_FORMAT,
                        "not a JPEG or PNG image (first bytes " + hex(data, 8) + ")");
            default:
                throw new ImageException(ImageException.Reason.UNSUPPORTED_FORMAT,
                        format.mediaType() + " is not supported: send JPEG or PNG");
        }
    }

    // ---- JPEG --------------------------------------------------------------------------------------------------

    private static ImageHeader readJpeg(byte[] b) throws ImageException {
        int pos = 2;
        int orientation = 1;
        while (true) {
            if (pos >= b.length) {
                throw truncated("JPEG ends before its frame header");
            }
            if ((b[pos] & 0xff) != 0xFF) {
                throw new ImageException(ImageException.Reason.CORRUPT,
                        "JPEG marker expected at byte " + pos + ", found 0x" + Integer.toHexString(b[pos] & 0xff));
            }
            while (pos < b.length && (b[pos] & 0xff) == 0xFF) {
                pos++; // fill bytes
            }
            if (pos >= b.length) {
                throw truncated("JPEG ends inside a marker");
            }
            int marker = b[pos++] & 0xff;
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // markers without a length
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new ImageException(ImageException.Reason.CORRUPT, "JPEG has no frame header (SOF) before "
                        + (marker == 0xD9 ? "its end" : "its scan data"));
            }
            if (pos + 2 > b.length) {
                throw truncated("JPEG ends inside a segment length");
            }
            int length = u16(b, pos);
            if (length < 2) {
                throw new ImageException(ImageException.Reason.CORRUPT, "JPEG segment with length " + length);
            }
            int body = pos + 2;
            int end = pos + length;
            if (end > b.length) {
                throw truncated("JPEG ends inside a 0x" + Integer.toHexString(marker) + " segment");
            }
            if (marker == 0xE1 && orientation == 1) {
                orientation = Exif.orientation(b, body, end);
            }
            if (isStartOfFrame(marker)) {
                if (end - body < 6) {
                    throw new ImageException(ImageException.Reason.CORRUPT, "JPEG frame header is too short");
                }
                int height = u16(b, body + 1);
                int width = u16(b, body + 3);
                int components = b[body + 5] & 0xff;
                if (width == 0 || height == 0) {
                    throw new ImageException(ImageException.Reason.CORRUPT,
                            "JPEG declares a size of " + width + "x" + height);
                }
                return new ImageHeader(ImageFormat.JPEG, width, height, components,
                        orientation == 1 ? scanOrientation(b, end) : orientation);
            }
            pos = end;
        }
    }

    /** EXIF may follow the frame header in odd files; look through the remaining header segments. */
    private static int scanOrientation(byte[] b, int pos) {
        while (pos + 4 <= b.length && (b[pos] & 0xff) == 0xFF) {
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            int end = pos + 2 + u16(b, pos + 2);
            if (end > b.length) {
                break;
            }
            if (marker == 0xE1) {
                int o = Exif.orientation(b, pos + 4, end);
                if (o != 1) {
                    return o;
                }
            }
            pos = end;
        }
        return 1;
    }

    private static boolean isStartOfFrame(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    // ---- PNG ---------------------------------------------------------------------------------------------------

    private static ImageHeader readPng(byte[] b) throws ImageException {
        int pos = 8;
        if (b.length < pos + 8 + 13 + 4) {
            throw truncated("PNG ends inside its header");
        }
        if (u32(b, pos) != 13 || b[pos + 4] != 'I' || b[pos + 5] != 'H' || b[pos + 6] != 'D' || b[pos + 7] != 'R') {
            throw new ImageException(ImageException.Reason.CORRUPT, "PNG does not start with an IHDR chunk");
        }
        long width = u32(b, pos + 8);
        long height = u32(b, pos + 12);
        int colorType = b[pos + 17] & 0xff;
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageException(ImageException.Reason.CORRUPT, "PNG declares a size of " + width + "x" + height);
        }
        verifyChunks(b);
        int components = switch (colorType) {
            case 0 -> 1;
            case 4 -> 2;
            case 6 -> 4;
            default -> 3;
        };
        return new ImageHeader(ImageFormat.PNG, (int) width, (int) height, components, 1);
    }

    private static void verifyChunks(byte[] b) throws ImageException {
        int pos = 8;
        CRC32 crc = new CRC32();
        boolean sawData = false;
        while (true) {
            if (pos + 8 > b.length) {
                throw truncated("PNG ends before its IEND chunk" + (sawData ? "" : " and has no image data"));
            }
            long length = u32(b, pos);
            String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (length > b.length - pos - 12L) {
                throw truncated("PNG ends inside its " + type + " chunk at byte " + pos);
            }
            crc.reset();
            crc.update(b, pos + 4, (int) length + 4);
            long stored = u32(b, pos + 8 + (int) length);
            if (crc.getValue() != stored) {
                throw new ImageException(ImageException.Reason.CORRUPT,
                        "PNG chunk " + type + " at byte " + pos + " has a bad CRC");
            }
            sawData |= type.equals("IDAT");
            if (type.equals("IEND")) {
                if (!sawData) {
                    throw new ImageException(ImageException.Reason.CORRUPT, "PNG has no IDAT chunk");
                }
                return;
            }
            pos += 12 + (int) length;
        }
    }

    // ---- bytes -------------------------------------------------------------------------------------------------

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static ImageException truncated(String message) {
        return new ImageException(ImageException.Reason.TRUNCATED, message);
    }

    static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
