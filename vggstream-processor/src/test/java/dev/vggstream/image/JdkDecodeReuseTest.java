package dev.vggstream.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDK decoder's reuse of one thread's buffers for frames of one size (a camera's). */
class JdkDecodeReuseTest {

    private final ImageDecoder jdk = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.JDK, JpegScale.EXACT);

    @Test
    void framesOfOneSizeDecodeIntoTheSameBgrImageAndPixelBufferWithTheFreshDecodesPixels() throws Exception {
        PixelScratch scratch = new PixelScratch();
        byte[] first = jpeg(320, 200, 1);
        byte[] second = jpeg(320, 200, 2);
        BufferedImage kept = scratch.bgr(320, 200);
        RgbImage a = jdk.decode(first, scratch, null);
        assertThat(rgb(a)).isEqualTo(rgb(jdk.decode(first)));
        RgbImage b = jdk.decode(second, scratch, null);
        assertThat(b.pixels()).isSameAs(a.pixels());
        assertThat(scratch.bgr(320, 200)).isSameAs(kept);
        // the reader wrote into the kept image: its first pixel is the second frame's
        int argb = kept.getRGB(0, 0);
        assertThat(new byte[] {(byte) (argb >> 16), (byte) (argb >> 8), (byte) argb})
                .containsExactly(b.pixels()[0], b.pixels()[1], b.pixels()[2]);
        // nothing of the first frame is left in the second's pixels
        assertThat(rgb(b)).isEqualTo(rgb(jdk.decode(second))).isNotEqualTo(rgb(jdk.decode(first)));
    }

    @Test
    void anotherSizeGetsANewBgrImageAndGreyJpegsDecodeAsBefore() throws Exception {
        PixelScratch scratch = new PixelScratch();
        BufferedImage small = scratch.bgr(320, 200);
        assertThat(scratch.bgr(200, 320)).isNotSameAs(small);
        byte[] grey = greyJpeg(120, 80);
        assertThat(rgb(jdk.decode(grey, scratch, null))).isEqualTo(rgb(jdk.decode(grey)));
    }

    @Test
    void framesAboveTheScratchLimitAreNotKept() {
        assertThat(new PixelScratch().bgr(3840, 2160)).isNull();
    }

    private static byte[] rgb(RgbImage img) {
        return Arrays.copyOf(img.pixels(), img.width() * img.height() * 3);
    }

    /** Stripes whose phase depends on {@code seed}: two seeds differ everywhere. */
    private static byte[] jpeg(int w, int h, int seed) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = ((x / 8 + y / 8 + seed) % 2) * 200;
                img.setRGB(x, y, v << 16 | (255 - v) << 8 | (seed * 60));
            }
        }
        return encode(img);
    }

    private static byte[] greyJpeg(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 3 + y) % 256);
            }
        }
        return encode(img);
    }

    private static byte[] encode(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }
}
