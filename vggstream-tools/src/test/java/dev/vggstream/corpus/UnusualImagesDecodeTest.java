package dev.vggstream.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageHeader;
import dev.vggstream.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every unusual but valid corpus image decodes, with the service's limits, to the picture Pillow sees: the displayed
 * size and the four quadrant colours (PNG exactly; JPEG within the few levels decoders differ by).
 */
class UnusualImagesDecodeTest {

    final ImageDecoder decoder = new ImageDecoder(CorpusFiles.serviceLimits());

    static List<JsonNode> valid() {
        List<JsonNode> files = CorpusFiles.entries("valid");
        assertThat(files).hasSizeGreaterThan(40);
        return files;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void decodesToTheDisplayedSizeWithEveryQuadrantInItsColour(JsonNode f) throws ImageException {
        RgbImage img = decoder.decode(CorpusFiles.bytes("valid", f.get("file").asText()));
        assertThat(img.width()).as("width").isEqualTo(f.get("width").asInt());
        assertThat(img.height()).as("height").isEqualTo(f.get("height").asInt());
        int tolerance = f.get("tolerance").asInt();
        for (JsonNode p : f.get("probes")) {
            int x = p.get("x").asInt();
            int y = p.get("y").asInt();
            for (int c = 0; c < 3; c++) {
                assertThat(img.get(x, y, c)).as("channel %d at (%d, %d)", c, x, y)
                        .isCloseTo(p.get("rgb").get(c).asInt(), org.assertj.core.data.Offset.offset(tolerance));
            }
        }
    }

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyExifOrientationIsAppliedSoTheRedQuadrantEndsTopLeftOfA48x32Picture(int orientation) throws Exception {
        byte[] jpeg = CorpusFiles.bytes("valid", "exif_orientation" + orientation + ".jpg");
        ImageHeader stored = ImageHeader.read(jpeg);
        assertThat(stored.orientation()).isEqualTo(orientation);
        // 5 to 8 turn the picture a quarter: it is stored 32 wide and 48 high
        assertThat(stored.width()).isEqualTo(orientation >= 5 ? 32 : 48);
        RgbImage shown = decoder.decode(jpeg);
        assertThat(shown.width()).isEqualTo(48);
        assertThat(shown.height()).isEqualTo(32);
        assertThat(shown.get(2, 2, 0)).as("red of the top-left corner").isGreaterThan(200);
        assertThat(shown.get(45, 29, 0)).as("red of the bottom-right corner").isLessThan(150);
        assertThat(shown.get(45, 2, 1)).as("green of the top-right corner").isGreaterThan(180);
        assertThat(shown.get(2, 29, 2)).as("blue of the bottom-left corner").isGreaterThan(190);
    }

    @Test
    void aJpegWithAWideGamutProfileKeepsItsSamplesInsteadOfBeingColourConvertedToSrgb() throws Exception {
        RgbImage img = decoder.decode(CorpusFiles.bytes("valid", "icc_wide_gamut.jpg"));
        // converted from the profile to sRGB the red quadrant would be about (255, 35, 36)
        assertThat(img.get(12, 8, 0)).isBetween(216, 224);
        assertThat(img.get(12, 8, 1)).isBetween(36, 44);
    }

    @Test
    void aJpegWithAGarbageProfileIsDecodedNotRefused() throws Exception {
        assertThat(decoder.decode(CorpusFiles.bytes("valid", "icc_garbage.jpg")).get(12, 8, 0)).isBetween(216, 224);
    }

    @Test
    void aPaletteImageWithTextChunksInflatingTo32MbIsDecodedWithoutInflatingThem() throws Exception {
        byte[] png = CorpusFiles.bytes("valid", "palette_text_bombs.png");
        decoder.decode(png); // class loading and the first call's one-off allocations
        long allocated = allocatedBy(() -> decoder.decode(png));
        assertThat(allocated).as("bytes allocated by one decode").isLessThan(4L << 20);
    }

    interface Decode {
        void run() throws Exception;
    }

    /** Bytes allocated by this thread while {@code d} runs. */
    static long allocatedBy(Decode d) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        try {
            d.run();
        } catch (ImageException expected) {
            // the caller asserts on the outcome separately
        }
        return mx.getCurrentThreadAllocatedBytes() - before;
    }
}
