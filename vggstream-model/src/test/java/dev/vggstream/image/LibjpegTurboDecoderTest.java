package dev.vggstream.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.model.Fixtures;
import dev.vggstream.model.NpyArray;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optional libjpeg-turbo JPEG decoder: Pillow's pixels, and clean refusals of files it cannot read. */
class LibjpegTurboDecoderTest {

    final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO);

    @Test
    void jpegPixelsAreBitIdenticalToPillowsForEveryFixtureJpeg() throws Exception {
        Map<String, NpyArray> expected = Fixtures.npz("images", "expected.npz");
        int checked = 0;
        for (JsonNode f : Fixtures.json("images", "expected.json").get("files")) {
            String file = f.get("file").asText();
            if (!f.get("kind").asText().equals("jpeg")) {
                continue;
            }
            RgbImage ours = decoder.decode(Files.readAllBytes(Fixtures.dir("images").resolve(file)));
            float[] want = expected.get(file + ".rgb").data();
            int maxDiff = 0;
            for (int i = 0; i < want.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs((ours.pixels()[i] & 0xff) - (int) want[i]));
            }
            // CMYK files still go through ImageIO (TwelveMonkeys' conversion differs from Pillow's a little)
            assertThat(maxDiff).as(file).isLessThanOrEqualTo(file.contains("cmyk") ? 8 : 0);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aTruncatedJpegIsRefusedAsAnImageExceptionNotATensorFlowOne() throws Exception {
        byte[] good = Files.readAllBytes(Fixtures.dir("images").resolve("rgb_q90_pillow.jpg"));
        byte[] cut = Arrays.copyOf(good, good.length * 2 / 3);
        assertThatThrownBy(() -> decoder.decode(cut)).isInstanceOf(ImageException.class)
                .hasMessageContaining("JPEG");
    }

    @Test
    void theExifOrientationIsAppliedAsWithTheJdkDecoder() throws Exception {
        byte[] rotated = Files.readAllBytes(Fixtures.dir("images").resolve("exif_orientation6.jpg"));
        RgbImage jdk = new ImageDecoder(ImageLimits.DEFAULT).decode(rotated);
        RgbImage turbo = decoder.decode(rotated);
        assertThat(turbo.width()).isEqualTo(jdk.width());
        assertThat(turbo.height()).isEqualTo(jdk.height());
        assertThat(turbo.pixels()).isEqualTo(jdk.pixels());
    }
}
