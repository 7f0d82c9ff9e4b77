package dev.vggstream.bench;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageHeader;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.JpegCodec;
import dev.vggstream.image.JpegScale;
import dev.vggstream.image.Preprocessing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The camera frames of tools/frames/make_frames.py, and what image.jpeg-scale=auto does to real photographs. Skipped
 * where Debian's python3-skimage or python3-pil is missing (CI installs them).
 */
class CameraFramesTest {

    static CameraFrames frames;
    static String unavailable;

    @BeforeAll
    static void makeFrames(@TempDir Path dir) throws Exception {
        try {
            frames = CameraFrames.make(dir, 2);
        } catch (CameraFrames.Unavailable e) {
            unavailable = e.getMessage();
        }
    }

    @Test
    void framesHaveTheirSizeAndTheBytesOfRealCameraFrames() throws Exception {
        assumeTrue(frames != null, () -> "camera frames cannot be made here: " + unavailable);
        for (Map.Entry<String, List<byte[]>> e : frames.frames().entrySet()) {
            String[] wh = e.getKey().split("x");
            assertThat(e.getValue()).as(e.getKey()).hasSize(2);
            for (byte[] f : e.getValue()) {
                ImageHeader h = ImageHeader.read(f);
                assertThat(h.width()).as(e.getKey()).isEqualTo(Integer.parseInt(wh[0]));
                assertThat(h.height()).as(e.getKey()).isEqualTo(Integer.parseInt(wh[1]));
            }
        }
        // a 1080p camera frame is typically 200-700 KB: a smooth or noisy picture would be far outside
        for (byte[] f : frames.frames().get("1920x1080")) {
            assertThat(f.length).isBetween(150 * 1024, 800 * 1024);
        }
        assertThat(frames.photos()).hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void theScriptIsDeterministic(@TempDir Path again) throws Exception {
        assumeTrue(frames != null, () -> "camera frames cannot be made here: " + unavailable);
        CameraFrames second = CameraFrames.make(again, 2);
        for (String size : CameraFrames.SIZES) {
            for (int i = 0; i < 2; i++) {
                assertThat(second.frames().get(size).get(i)).as(size).isEqualTo(frames.frames().get(size).get(i));
            }
        }
    }

    @Test
    void autoKeepsTheModelInputAbove35DbOnEveryPhotographAndFrameAndReducesTheFrames() throws Exception {
        assumeTrue(frames != null, () -> "camera frames cannot be made here: " + unavailable);
        ImagePreparer at224 = new ImagePreparer(224, 224, Preprocessing.TORCH);
        ImagePipeline exact = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.EXACT), at224);
        ImagePipeline auto = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO,
                JpegScale.AUTO), at224);
        List<byte[]> all = new ArrayList<>(frames.photos().values());
        frames.frames().values().forEach(all::addAll);
        int reduced = 0;
        for (byte[] image : all) {
            Fidelity f = Fidelity.of(auto.modelPixels(image), exact.modelPixels(image));
            assertThat(f.psnrDb()).isGreaterThanOrEqualTo(35);
            if (!Double.isInfinite(f.psnrDb())) {
                reduced++;
            }
        }
        // every frame is reduced (each is at least 720 px tall), and so are the large photographs
        assertThat(reduced).isGreaterThanOrEqualTo(6 + 2);
    }
}
