package dev.vggstream.event;

import org.apache.kafka.common.header.internals.RecordHeaders;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Records and images for the event tests. */
final class TestRecords {
    static final String TOPIC = "images";
    static final int PARTITION = 3;
    static final long OFFSET = 12_345L;
    static final long RECORD_TS = 1_700_000_000_000L;

    static final byte[] JPEG = image("jpg");
    static final byte[] PNG = image("png");

    private TestRecords() {
    }

    /** A real, tiny image, so the magic bytes are the ones encoders actually write. */
    static byte[] image(String format) {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, (x * 60) << 16 | (y * 80) << 8 | 0x40);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static InputRecord record(String key, byte[] value) {
        return new InputRecord(TOPIC, PARTITION, OFFSET, RECORD_TS, key == null ? null : utf8(key), value,
                new RecordHeaders());
    }

    static InputRecord record(String key, String value) {
        return record(key, utf8(value));
    }

    /** Adds a UTF-8 header and returns the record, for one-line setup. */
    static InputRecord header(InputRecord r, String name, String value) {
        r.headers().add(name, utf8(value));
        return r;
    }
}
