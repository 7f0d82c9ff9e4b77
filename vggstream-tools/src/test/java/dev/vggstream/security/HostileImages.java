package dev.vggstream.security;

import dev.vggstream.topology.TestImages;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Valid images whose metadata is full of references: EXIF text tags, an XMP packet with external XML entities and
 * a parameter-entity DTD, an ICC profile whose copyright text is a URL, PNG text chunks. A decoder that followed any
 * of them would read a file or open a connection.
 */
final class HostileImages {

    private HostileImages() {
    }

    /** An RGB JPEG with EXIF, XMP and ICC segments that point at {@code urls}. */
    static byte[] jpegWithReferencesInMetadata(String... urls) {
        byte[] jpeg = TestImages.solid(120, 16, "jpg");
        return insertAfterHeader(jpeg, concat(exifSegment(urls), xmpSegment(urls), iccSegment(urls[0])));
    }

    /** The CMYK fixture (decoded by TwelveMonkeys, not the JDK) with EXIF and XMP segments that point at {@code urls}. */
    static byte[] cmykJpegWithReferencesInMetadata(String... urls) {
        byte[] cmyk = resource("/fixtures/images/cmyk_magick.jpg");
        return insertAfterHeader(cmyk, concat(exifSegment(urls), xmpSegment(urls)));
    }

    /** A PNG with tEXt, iTXt (XMP with external entities) and iCCP (URL in the profile) chunks. */
    static byte[] pngWithReferencesInMetadata(String... urls) {
        byte[] png = TestImages.png(77);
        byte[] text = concat(ascii("Source"), new byte[] {0}, ascii(String.join(" ", urls)));
        byte[] itxt = concat(ascii("XML:com.adobe.xmp"), new byte[] {0, 0, 0, 0, 0},
                xmpPacket(urls).getBytes(StandardCharsets.UTF_8));
        byte[] iccp = concat(ascii("ICC profile"), new byte[] {0, 0}, deflate(profileWithUrl(urls[0])));
        int afterIhdr = 8 + 8 + 13 + 4;
        byte[] chunks = concat(pngChunk("iCCP", iccp), pngChunk("tEXt", text), pngChunk("iTXt", itxt));
        return concat(slice(png, 0, afterIhdr), chunks, slice(png, afterIhdr, png.length));
    }

    /** An SVG document with external entities, a parameter-entity DTD and an external image reference. */
    static String svgWithExternalEntities(String... urls) {
        StringBuilder entities = new StringBuilder();
        StringBuilder refs = new StringBuilder();
        for (int i = 0; i < urls.length; i++) {
            entities.append("<!ENTITY e").append(i).append(" SYSTEM \"").append(urls[i]).append("\">");
            refs.append("&e").append(i).append(';');
        }
        return "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                + "<!DOCTYPE svg [" + entities + "<!ENTITY % dtd SYSTEM \"" + urls[urls.length - 1] + "\"> %dtd;]>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
                + " width=\"16\" height=\"16\"><image xlink:href=\"" + urls[0] + "\" width=\"16\" height=\"16\"/>"
                + "<text>" + refs + "</text></svg>\n";
    }

    // ---- JPEG segments ----------------------------------------------------------------------------------------

    /** APP1 Exif: ImageDescription, Orientation (1), Artist and Copyright, the text tags holding the URLs. */
    private static byte[] exifSegment(String... urls) {
        String description = urls[0];
        String artist = urls.length > 1 ? urls[1] : urls[0];
        String copyright = urls[urls.length - 1];
        byte[][] texts = {ascii0(description), ascii0(artist), ascii0(copyright)};
        int[] tags = {0x010E, 0x013B, 0x8298};
        int entries = 4;
        int ifdSize = 2 + entries * 12 + 4;
        int dataStart = 8 + ifdSize;
        ByteBuffer tiff = ByteBuffer.allocate(dataStart + texts[0].length + texts[1].length + texts[2].length)
                .order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) entries);
        int offset = dataStart;
        // entries sorted by tag: 0x010E, 0x0112, 0x013B, 0x8298
        offset = textEntry(tiff, tags[0], texts[0], offset);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 1).putShort((short) 0);
        offset = textEntry(tiff, tags[1], texts[1], offset);
        textEntry(tiff, tags[2], texts[2], offset);
        tiff.putInt(0);
        for (byte[] t : texts) {
            tiff.put(t);
        }
        return segment(0xE1, concat(ascii("Exif"), new byte[] {0, 0}, tiff.array()));
    }

    private static int textEntry(ByteBuffer tiff, int tag, byte[] text, int offset) {
        tiff.putShort((short) tag).putShort((short) 2).putInt(text.length).putInt(offset);
        return offset + text.length;
    }

    private static byte[] xmpSegment(String... urls) {
        return segment(0xE1, concat(ascii("http://ns.adobe.com/xap/1.0/"), new byte[] {0},
                xmpPacket(urls).getBytes(StandardCharsets.UTF_8)));
    }

    private static String xmpPacket(String... urls) {
        StringBuilder entities = new StringBuilder();
        StringBuilder refs = new StringBuilder();
        for (int i = 0; i < urls.length; i++) {
            entities.append("<!ENTITY x").append(i).append(" SYSTEM \"").append(urls[i]).append("\">");
            refs.append("&x").append(i).append(';');
        }
        return "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                + "<!DOCTYPE x:xmpmeta [" + entities + "<!ENTITY % remote SYSTEM \"" + urls[urls.length - 1]
                + "\"> %remote;]>"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"" + urls[0] + "\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
                + " xmlns:xmpRights=\"http://ns.adobe.com/xap/1.0/rights/\">"
                + "<xmpRights:WebStatement>" + urls[0] + "</xmpRights:WebStatement>"
                + "<dc:source>" + refs + "</dc:source></rdf:Description></rdf:RDF></x:xmpmeta>"
                + "<?xpacket end=\"w\"?>";
    }

    /** APP2 ICC_PROFILE, one chunk of one. */
    private static byte[] iccSegment(String url) {
        return segment(0xE2, concat(ascii("ICC_PROFILE"), new byte[] {0, 1, 1}, profileWithUrl(url)));
    }

    /**
     * The JDK's sRGB profile with one more tag, a copyright ({@code cprt}, type {@code text}) that is {@code url}:
     * still a valid profile, so the decoders use it.
     */
    static byte[] profileWithUrl(String url) {
        ByteBuffer original = ByteBuffer.wrap(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());
        byte[] text = concat(ascii("text"), new byte[4], ascii0(url));
        int tags = original.getInt(128);
        int tableEnd = 132 + 12 * tags;
        int at = align4(original.capacity() + 12);
        int size = align4(at + text.length);
        ByteBuffer p = ByteBuffer.allocate(size);
        p.put(original.array(), 0, 128);
        p.putInt(tags + 1);
        for (int i = 0; i < tags; i++) {
            int entry = 132 + 12 * i;
            // every element moves 12 bytes down, behind the longer tag table
            p.putInt(original.getInt(entry)).putInt(original.getInt(entry + 4) + 12).putInt(original.getInt(entry + 8));
        }
        p.putInt(0x63707274).putInt(at).putInt(text.length); // 'cprt'
        p.put(original.array(), tableEnd, original.capacity() - tableEnd);
        p.position(at);
        p.put(text);
        p.putInt(0, size);
        for (int i = 84; i < 100; i++) {
            p.put(i, (byte) 0); // profile id (MD5): zero means "not computed"
        }
        return p.array();
    }

    private static byte[] segment(int marker, byte[] body) {
        int length = body.length + 2;
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("segment too long: " + length);
        }
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, body);
    }

    /** After SOI and, if present, the JFIF APP0 segment that must come first. */
    private static byte[] insertAfterHeader(byte[] jpeg, byte[] segments) {
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
            at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        }
        return concat(slice(jpeg, 0, at), segments, slice(jpeg, at, jpeg.length));
    }

    // ---- PNG ----------------------------------------------------------------------------------------------------

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] typeAndData = concat(ascii(type), data);
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeAndData).putInt((int) crc.getValue())
                .array();
    }

    private static byte[] deflate(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // ---- bytes --------------------------------------------------------------------------------------------------

    private static byte[] resource(String name) {
        try (InputStream in = HostileImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii0(String s) {
        return concat(ascii(s), new byte[] {0});
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
