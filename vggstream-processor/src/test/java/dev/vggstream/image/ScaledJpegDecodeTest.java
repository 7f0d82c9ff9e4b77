package dev.vggstream.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding at a reduced size: libjpeg-turbo's sizes, and which decoders and callers it applies to. */
class ScaledJpegDecodeTest {

    static final ImagePreparer TORCH_224 = new ImagePreparer(224, 224, Preprocessing.TORCH);

    @Test
    void libjpegTurboDecodesOddSidesAtEachReductionRoundedUp() throws Exception {
        byte[] jpeg = jpeg(1001, 603);
        ImageHeader header = ImageHeader.read(jpeg);
        for (int r : new int[] {1, 2, 4, 8}) {
            RgbImage img = TfJpegDecoder.shared().decode(jpeg, header, null, r);
            assertThat(img.width()).as("1/%d", r).isEqualTo((1001 + r - 1) / r);
            assertThat(img.height()).as("1/%d", r).isEqualTo((603 + r - 1) / r);
            assertThat(img.pixels()).hasSize(img.width() * img.height() * 3);
        }
    }

    @Test
    void autoWithLibjpegTurboDecodesAFrameAtTheReductionTheResizeAllows() throws Exception {
        ImageDecoder auto = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO, JpegScale.AUTO);
        RgbImage img = auto.decode(jpeg(1280, 720), null, TORCH_224);
        assertThat(img.width()).isEqualTo(640);
        assertThat(img.height()).isEqualTo(360);
    }

    @Test
    void exactAndTheJdkDecoderAndCallersWithoutAResizeAlwaysGetTheFullSize() throws Exception {
        byte[] frame = jpeg(1280, 720);
        ImageDecoder exact = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO, JpegScale.EXACT);
        ImageDecoder jdkAuto = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.JDK, JpegScale.AUTO);
        ImageDecoder turboAuto = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO, JpegScale.AUTO);
        for (RgbImage img : new RgbImage[] {exact.decode(frame, null, TORCH_224),
                jdkAuto.decode(frame, null, TORCH_224), turboAuto.decode(frame)}) {
            assertThat(img.width()).isEqualTo(1280);
            assertThat(img.height()).isEqualTo(720);
        }
    }

    @Test
    void theModelInputOfAutoIsCloseToExactsOnASmoothPicture() throws Exception {
        byte[] frame = jpeg(1920, 1080);
        ImagePipeline exact = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.EXACT), TORCH_224);
        ImagePipeline auto = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.AUTO), TORCH_224);
        float[] a = auto.prepare(frame);
        float[] e = exact.prepare(frame);
        assertThat(a).hasSameSizeAs(e).isNotEqualTo(e);
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
        }
        // a few 8-bit levels at most on a smooth gradient (one level is 1/255/0.225 = 0.017 after normalising)
        assertThat(maxDiff).isGreaterThan(0).isLessThan(0.1);
    }

    /** A smooth diagonal gradient: every reduction of it looks the same, so any real difference shows. */
    static byte[] jpeg(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = 255 * x / w;
                int g = 255 * y / h;
                int b = 255 * (x + y) / (w + h);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }
}
