package dev.vggstream.image;

import java.util.zip.CRC32;

/**
 * What an image declares about itself, read from its header bytes before any pixel is allocated: format,
 * dimensions and, for JPEG, the EXIF orientation. This is where decompression bombs are caught (a few-KB PNG can
 * declare 30000x30000) and where broken PNG chunks are found, which the JDK decoder would not check.
 *
 * @param orientation  EXIF orientation 1-8 (1 = as stored); PNGs are always 1
 * @param dataBytes    bytes that can hold compressed pixels: a PNG's IDAT payloads; a JPEG's bytes from its first
 *                     scan on
 * @param minDataBytes the fewest compressed bytes that can hold what the header declares, whatever the content:
 *                     deflate expands at most 1032 times, and a Huffman-coded JPEG spends at least one bit on every
 *                     8x8 block of every component in its first scan. 0 where no such bound is known (arithmetic
 *                     coding). A file with {@code dataBytes < minDataBytes} is truncated, or a bomb that would make
 *                     the decoder allocate the whole declared image to fill it with nothing.
 * @param iccSegments  where a JPEG's embedded ICC profile is: start and end offsets of each APP2 ICC_PROFILE
 *                     segment, in file order; empty when there is none
 */
public record ImageHeader(ImageFormat format, int width, int height, int components, int orientation,
                          long dataBytes, long minDataBytes, int[] iccSegments) {

    private static final int[] NO_SEGMENTS = new int[0];

    /** Deflate's largest expansion: a 258-byte match coded in 2 bits. */
    static final int DEFLATE_MAX_RATIO = 1032;

    public long pixels() {
        return (long) width * height;
    }

    /** A JPEG with an embedded ICC profile. */
    public boolean iccProfile() {
        return iccSegments.length > 0;
    }

    /**
     * A copy of the image these header bytes were read from, without its ICC_PROFILE segments: the same pixels,
     * which a decoder then leaves as stored.
     */
    byte[] withoutIccProfile(byte[] b) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
        int from = 0;
        for (int i = 0; i < iccSegments.length; i += 2) {
            out.write(b, from, iccSegments[i] - from);
            from = iccSegments[i + 1];
        }
        out.write(b, from, b.length - from);
        return out.toByteArray();
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

    /** Walks the marker segments up to the first scan: all of them must be there and well-formed. */
    private static ImageHeader readJpeg(byte[] b) throws ImageException {
        int pos = 2;
        int orientation = 1;
        int[] icc = NO_SEGMENTS;
        int[] frame = null; // marker, width, height, components, then H and V per component
        while (true) {
            if (pos >= b.length) {
                throw truncated(frame == null ? "JPEG ends before its frame header" : "JPEG ends before its scan data");
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
            if (frame == null && (marker == 0xD9 || marker == 0xDA)) {
                throw new ImageException(ImageException.Reason.CORRUPT, "JPEG has no frame header (SOF) before "
                        + (marker == 0xD9 ? "its end" : "its scan data"));
            }
            if (marker == 0xD9) {
                throw new ImageException(ImageException.Reason.CORRUPT, "JPEG ends (EOI) before its scan data");
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
            if (marker == 0xDA) {
                return jpegHeader(frame, orientation, icc, b.length - (pos - 2));
            }
            if (marker == 0xE1 && orientation == 1) {
                orientation = Exif.orientation(b, body, end);
            }
            if (marker == 0xE2 && end - body >= 12 && new String(b, body, 12, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .equals("ICC_PROFILE\0")) {
                icc = java.util.Arrays.copyOf(icc, icc.length + 2);
                icc[icc.length - 2] = pos - 2; // the segment's 0xFF marker byte
                icc[icc.length - 1] = end;
            }
            if (isStartOfFrame(marker) && frame == null) {
                frame = frame(b, marker, body, end);
            }
            pos = end;
        }
    }

    private static int[] frame(byte[] b, int marker, int body, int end) throws ImageException {
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
        if (components == 0 || end - body < 6 + 3 * components) {
            throw new ImageException(ImageException.Reason.CORRUPT, "JPEG frame header declares " + components
                    + " components in " + (end - body) + " bytes");
        }
        int[] f = new int[4 + 2 * components];
        f[0] = marker;
        f[1] = width;
        f[2] = height;
        f[3] = components;
        for (int i = 0; i < components; i++) {
            int hv = b[body + 7 + 3 * i] & 0xff;
            f[4 + 2 * i] = Math.max(1, hv >> 4);
            f[5 + 2 * i] = Math.max(1, hv & 15);
        }
        return f;
    }

    private static ImageHeader jpegHeader(int[] f, int orientation, int[] icc, long dataBytes) {
        int marker = f[0];
        int width = f[1];
        int height = f[2];
        int components = f[3];
        long minBytes = 0;
        // Huffman-coded processes (baseline, extended, progressive, lossless): every block of a component costs at
        // least one bit in that component's first scan. Lossless would allow a bound 64 times higher; keep one.
        if (marker >= 0xC0 && marker <= 0xC3) {
            int hMax = 1;
            int vMax = 1;
            for (int i = 0; i < components; i++) {
                hMax = Math.max(hMax, f[4 + 2 * i]);
                vMax = Math.max(vMax, f[5 + 2 * i]);
            }
            long mostBlocks = 0;
            for (int i = 0; i < components; i++) {
                long w = ceilDiv((long) width * f[4 + 2 * i], hMax);
                long h = ceilDiv((long) height * f[5 + 2 * i], vMax);
                mostBlocks = Math.max(mostBlocks, ceilDiv(w, 8) * ceilDiv(h, 8));
            }
            // one component is enough for the bound: a progressive file may stop before the others' scans
            minBytes = ceilDiv(mostBlocks, 8);
        }
        return new ImageHeader(ImageFormat.JPEG, width, height, components, orientation, dataBytes, minBytes, icc);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
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
        int bitDepth = b[pos + 16] & 0xff;
        int colorType = b[pos + 17] & 0xff;
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageException(ImageException.Reason.CORRUPT, "PNG declares a size of " + width + "x" + height);
        }
        long dataBytes = verifyChunks(b);
        int components = switch (colorType) {
            case 0 -> 1;
            case 4 -> 2;
            case 6 -> 4;
            default -> 3;
        };
        int samples = colorType == 3 ? 1 : components;
        // every row: a filter byte, then the packed samples; deflate cannot expand more than DEFLATE_MAX_RATIO times
        long raw = height * (1 + ceilDiv(width * samples * Math.max(1, bitDepth), 8));
        return new ImageHeader(ImageFormat.PNG, (int) width, (int) height, components, 1, dataBytes,
                ceilDiv(raw, DEFLATE_MAX_RATIO), NO_SEGMENTS);
    }

    /** Checks every chunk's length and CRC up to IEND; returns the bytes of image data (IDAT payloads). */
    private static long verifyChunks(byte[] b) throws ImageException {
        int pos = 8;
        CRC32 crc = new CRC32();
        boolean sawData = false;
        long dataBytes = 0;
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
            if (type.equals("IDAT")) {
                sawData = true;
                dataBytes += length;
            }
            if (type.equals("IEND")) {
                if (!sawData) {
                    throw new ImageException(ImageException.Reason.CORRUPT, "PNG has no IDAT chunk");
                }
                return dataBytes;
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
