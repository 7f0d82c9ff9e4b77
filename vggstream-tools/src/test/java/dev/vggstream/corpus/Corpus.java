package dev.vggstream.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.event.EventLimits;
import dev.vggstream.event.Stage;
import dev.vggstream.topology.TestImages;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The malformed-input corpus as input records, each with the one outcome it must have: a classification, or a dead
 * letter with its error class, reason, stage and a piece of its message. Shared by the TopologyTestDriver test and
 * the integration test, which run it with {@link #CONFIG}.
 */
final class Corpus {

    /** A small byte limit, so that "over the limit" records stay small; everything else is the service default. */
    static final int MAX_IMAGE_BYTES = 256 << 10;
    static final Map<String, String> CONFIG = Map.of("image.max-bytes", Integer.toString(MAX_IMAGE_BYTES));
    /** Every corpus record carries its case name in this header, which dead letters keep. */
    static final String CASE_HEADER = "test.case";
    static final byte[] CORPUS_KEY = utf8("cam-corpus");

    private Corpus() {
    }

    /** What a case must become. */
    sealed interface Outcome permits Classified, DeadLettered {
    }

    /**
     * @param id            the result's id; null: the default, {@code topic-partition-offset}
     * @param source        the result's source (null: JSON null)
     * @param topLeftRed    the red level of the displayed top-left corner, which a model that reports the first
     *                      pixel's red (FakeClassifier, no preprocessing) must report within 15 levels; -1: unchecked
     */
    record Classified(String id, String source, int topLeftRed) implements Outcome {
    }

    record DeadLettered(String errorClass, String reason, Stage stage, String message) implements Outcome {
    }

    record Case(String name, byte[] key, byte[] value, List<Header> headers, Outcome expected) {
        boolean classified() {
            return expected instanceof Classified;
        }
    }

    /** A good image to put around the cases: a 16x16 PNG of one colour whose red is {@code red}. */
    static Case good(int i, int red) {
        String id = "good-" + i;
        return new Case(id, utf8("cam-good"), TestImages.png(red),
                List.of(header(EventHeaders.ID, id), header(EventHeaders.SOURCE, "cam-good"), header(CASE_HEADER, id)),
                new Classified(id, "cam-good", red));
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        byte[] jpeg = CorpusFiles.bytes("valid", "sampling444.jpg");

        // ---- unusual but valid: classified ----
        for (JsonNode f : CorpusFiles.entries("valid")) {
            String file = f.get("file").asText();
            // the first pixel after resize and crop lies inside the top-left quadrant for the 48x32 and 37x29 files
            int red = f.get("width").asInt() >= 37 ? f.get("probes").get(0).get("rgb").get(0).asInt() : -1;
            out.add(raw("valid/" + file, CorpusFiles.bytes("valid", file), new Classified("valid/" + file,
                    "cam-corpus", red)));
        }
        out.add(json("json/contentType says PNG, bytes are JPEG", "{\"id\":\"json-mismatch\",\"contentType\":\"image/png\","
                + "\"data\":\"" + b64(jpeg) + "\"}", new Classified("json-mismatch", "cam-corpus", 220)));
        String mime = Base64.getUrlEncoder().withoutPadding().encodeToString(
                CorpusFiles.bytes("valid", "exif_orientation6.jpg")).replaceAll("(.{76})", "$1\\\\r\\\\n");
        out.add(json("json/url-safe base64, no padding, CR LF line breaks, EXIF-rotated",
                "{\"id\":\"json-mime\",\"source\":\"cam-j\",\"data\":\"" + mime + "\"}",
                new Classified("json-mime", "cam-j", 220)));
        out.add(new Case("raw/null key, no metadata", null, jpeg, List.of(header(CASE_HEADER, "raw/null key")),
                new Classified(null, null, 220)));
        out.add(new Case("json/null key, no id, no source", null, utf8("{\"data\":\"" + b64(jpeg) + "\"}"),
                List.of(header(CASE_HEADER, "json/null key")), new Classified(null, null, 220)));

        // ---- not an image event at all ----
        out.add(raw("empty value", new byte[0], event("EMPTY_VALUE", "value is empty: no image")));
        out.add(raw("tombstone (null value)", null, event("EMPTY_VALUE", "value is null (a tombstone)")));
        out.add(raw("text", CorpusFiles.bytes("invalid", "text.txt"), event("NOT_JSON_OR_IMAGE",
                "value is neither a JSON object nor a JPEG or PNG image")));
        out.add(raw("zip", CorpusFiles.bytes("invalid", "archive.zip"), event("NOT_JSON_OR_IMAGE",
                "neither a JSON object nor a JPEG or PNG")));
        out.add(raw("pdf", CorpusFiles.bytes("invalid", "document.pdf"), event("NOT_JSON_OR_IMAGE",
                "neither a JSON object nor a JPEG or PNG")));
        out.add(raw("binary noise", CorpusFiles.bytes("invalid", "binary_noise.bin"), event("NOT_JSON_OR_IMAGE",
                "neither a JSON object nor a JPEG or PNG")));
        out.add(raw("gif", CorpusFiles.bytes("invalid", "gif.gif"), event("UNSUPPORTED_FORMAT",
                "value is a GIF image; only JPEG and PNG are accepted")));
        out.add(raw("bmp", CorpusFiles.bytes("invalid", "bmp.bmp"), event("UNSUPPORTED_FORMAT", "is a BMP image")));
        out.add(raw("webp", CorpusFiles.bytes("invalid", "webp_header.webp"), event("UNSUPPORTED_FORMAT",
                "is a WEBP image")));

        // ---- JSON that is wrong ----
        String data = "\"data\":\"" + b64(jpeg) + "\"";
        out.add(json("json/no data", "{\"id\":\"x\"}", event("MISSING_DATA", "field 'data' is missing")));
        out.add(json("json/data is a number", "{\"data\":12345}", event("WRONG_TYPE",
                "field 'data' must be a base64 string, got number")));
        out.add(json("json/source is an array", "{\"source\":[\"cam\"]," + data + "}", event("WRONG_TYPE",
                "field 'source' must be a string")));
        out.add(json("json/timestamp is a boolean", "{\"timestamp\":true," + data + "}", event("WRONG_TYPE",
                "field 'timestamp'")));
        out.add(json("json/invalid base64", "{\"data\":\"/9j/4AAQ@@@@\"}", event("BAD_BASE64",
                "invalid base64 in 'data'")));
        out.add(json("json/unknown contentType", "{\"contentType\":\"image/gif\"," + data + "}",
                event("UNKNOWN_CONTENT_TYPE", "unknown contentType 'image/gif'")));
        out.add(json("json/cut off", "{\"id\":\"a\",", event("BAD_JSON", "JSON ends early")));
        out.add(json("json/id twice", "{\"id\":\"a\",\"id\":\"b\"," + data + "}", event("DUPLICATE_FIELD",
                "appears more than once")));
        out.add(json("json/timestamp yesterday", "{\"timestamp\":\"yesterday\"," + data + "}",
                event("BAD_TIMESTAMP", "timestamp")));
        out.add(json("json/300000-character id", "{\"id\":\"" + "x".repeat(300_000) + "\"," + data + "}",
                event("FIELD_TOO_LONG", "field 'id' is longer than 1024 characters")));
        out.add(json("json/nested 10000 deep", "{\"meta\":" + "[".repeat(10_000) + "]".repeat(10_000) + ","
                + data + "}", event("TOO_DEEP", "JSON nested deeper than 16 levels in field 'meta'")));
        long maxJson = EventLimits.forImages(MAX_IMAGE_BYTES).maxJsonBytes();
        String padding = " ".repeat((int) maxJson - data.length() - 1); // one byte over
        out.add(json("json/over the document limit", "{" + data + padding + "}", event("TOO_LARGE",
                "JSON value is " + (maxJson + 1) + " bytes, more than the " + maxJson + "-byte limit")));
        out.add(json("json/data is text", "{\"data\":\"" + b64(utf8("hello, world")) + "\"}", event("NOT_AN_IMAGE",
                "field 'data' is not a JPEG or PNG image")));
        out.add(json("json/data is a truncated JPEG", "{\"data\":\"" + b64(CorpusFiles.bytes("invalid",
                "truncated.jpg")) + "\"}", image("TRUNCATED", Stage.DECODE, "Missing EOI marker")));

        // ---- over the byte limit ----
        byte[] big = noisePng(296);
        out.add(raw("image over image.max-bytes", big, event("TOO_LARGE", "image is " + big.length
                + " bytes, more than the " + MAX_IMAGE_BYTES + "-byte limit")));
        out.add(json("json/image over image.max-bytes", "{\"data\":\"" + b64(big) + "\"}", event("TOO_LARGE",
                "field 'data' decodes to " + big.length + " bytes, more than the " + MAX_IMAGE_BYTES
                        + "-byte image limit")));

        // ---- broken images ----
        out.add(raw("truncated JPEG", file("truncated.jpg"), image("TRUNCATED", Stage.DECODE,
                "image data is truncated: Truncated File - Missing EOI marker")));
        out.add(raw("JPEG cut in its header", file("truncated_header.jpg"), image("TRUNCATED", Stage.DECODE,
                "JPEG ends inside a 0xc4 segment")));
        out.add(raw("JPEG with corrupt entropy data", file("corrupt_entropy.jpg"), image("CORRUPT", Stage.DECODE,
                "image data is corrupt: Corrupt JPEG data")));
        out.add(raw("JPEG without a frame header", file("no_frame_header.jpg"), image("CORRUPT", Stage.DECODE,
                "JPEG has no frame header (SOF) before its scan data")));
        out.add(raw("PNG with a bad CRC", file("bad_crc.png"), image("CORRUPT", Stage.DECODE,
                "PNG chunk IDAT at byte 33 has a bad CRC")));
        out.add(raw("truncated PNG", file("truncated.png"), image("TRUNCATED", Stage.DECODE,
                "PNG ends inside its IDAT chunk")));
        out.add(raw("PNG without IEND", file("no_iend.png"), image("TRUNCATED", Stage.DECODE,
                "PNG ends before its IEND chunk")));
        out.add(raw("PNG with half its rows", file("short_image_data.png"), image("TRUNCATED", Stage.DECODE,
                "Error reading PNG image data")));
        out.add(raw("PNG with a corrupt zlib stream", file("bad_zlib.png"), image("CORRUPT", Stage.DECODE,
                "Error reading PNG image data: invalid")));
        out.add(raw("PNG of width 0", file("zero_width.png"), image("CORRUPT", Stage.DECODE,
                "PNG declares a size of 0x32")));
        out.add(raw("PNG bomb 30000x30000", file("bomb_30000x30000.png"), image("TOO_MANY_PIXELS", Stage.PREPROCESS,
                "image declares 30000x30000 = 900000000 pixels, over the limit of 40000000")));
        out.add(raw("JPEG bomb 65000x65000", file("bomb_65000x65000.jpg"), image("TOO_MANY_PIXELS",
                Stage.PREPROCESS, "65000x65000")));
        out.add(raw("4 KB JPEG declaring 6000x6000", file("underfilled_6000x6000.jpg"), image("TRUNCATED",
                Stage.DECODE, "JPEG declares 6000x6000 but holds 3697 bytes of image data")));
        out.add(raw("300 B PNG declaring 6000x6000", file("underfilled_6000x6000.png"), image("TRUNCATED",
                Stage.DECODE, "PNG declares 6000x6000 but holds 302 bytes of image data")));
        out.add(raw("1x1 PNG", file("one_by_one.png"), image("TOO_SMALL", Stage.PREPROCESS,
                "image of 1x1 is smaller than 8 px on a side")));
        out.add(raw("1x1 JPEG", file("one_by_one.jpg"), image("TOO_SMALL", Stage.PREPROCESS,
                "image of 1x1 is smaller than 8 px on a side")));
        out.add(raw("4x200 PNG", file("thin_4x200.png"), image("TOO_SMALL", Stage.PREPROCESS,
                "image of 4x200 is smaller than 8 px on a side")));

        // ---- valid but slow: stopped by image.decode-timeout-ms ----
        for (String f : new String[] {"slow_progressive_ycc_1024.jpg", "slow_progressive_cmyk_512.jpg"}) {
            out.add(raw("hostile/" + f, CorpusFiles.bytes("hostile", f), image("TIMEOUT", Stage.DECODE,
                    "decoding took longer than 2000 ms (image.decode-timeout-ms) and was stopped")));
        }
        return out;
    }

    /** The cases with a good image before, between and after them. */
    static List<Case> interleaved() {
        List<Case> cases = cases();
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            out.add(good(i, 10 + i % 180));
            out.add(cases.get(i));
        }
        out.add(good(cases.size(), 190));
        return out;
    }

    private static byte[] file(String name) {
        return CorpusFiles.bytes("invalid", name);
    }

    private static Case raw(String name, byte[] value, Outcome expected) {
        List<Header> headers = new ArrayList<>(List.of(header(CASE_HEADER, name)));
        if (expected instanceof Classified c && c.id() != null) {
            headers.add(header(EventHeaders.ID, c.id()));
        }
        return new Case(name, CORPUS_KEY, value, headers, expected);
    }

    private static Case json(String name, String body, Outcome expected) {
        return new Case(name, CORPUS_KEY, utf8(body), List.of(header(CASE_HEADER, name)), expected);
    }

    private static DeadLettered event(String reason, String message) {
        return new DeadLettered("EventException", reason, Stage.DECODE, message);
    }

    private static DeadLettered image(String reason, Stage stage, String message) {
        return new DeadLettered("ImageException", reason, stage, message);
    }

    static Header header(String key, String value) {
        return new RecordHeader(key, utf8(value));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** A valid PNG of random pixels, side x side: incompressible, so just over 3 x side^2 bytes. */
    static byte[] noisePng(int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        Random r = new Random(side);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] png = out.toByteArray();
        if (png.length <= MAX_IMAGE_BYTES || png.length > MAX_IMAGE_BYTES * 103L / 100) {
            throw new IllegalStateException("noise PNG of " + png.length + " bytes: pick another side");
        }
        return png;
    }

    static String describe(Case c) {
        return c.name() + " (" + (c.value() == null ? "null" : c.value().length + " bytes, " + Arrays.toString(
                Arrays.copyOf(c.value(), Math.min(4, c.value().length)))) + ")";
    }
}
