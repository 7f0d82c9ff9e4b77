package dev.vggstream.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast resampler against the one it replaced ({@link ReferenceResampler}, itself proven bit-exact against
 * Pillow by the fixtures): random images, sizes and windows, up and down, odd and 1-pixel sizes, one thread reusing
 * its buffers across all of them. Every case prints its seed in the failure message, so a failure can be replayed.
 */
class ResamplerOracleTest {

    @ParameterizedTest(name = "seed {0}: 300 random resizes and windows equal the reference, byte for byte")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomResizesAndWindowsEqualTheReference(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 300; i++) {
            int w = size(r);
            int h = size(r);
            int outW = size(r);
            int outH = size(r);
            assertSameAsReference(TestImages.noise(w, h, r), outW, outH, r, "seed " + seed + " case " + i);
        }
    }

    @Test
    void onePixelImagesAndOnePixelOutputsEqualTheReference() {
        Random r = new Random(11);
        int[][] sizes = {{1, 1, 1, 1}, {1, 1, 7, 5}, {1, 9, 1, 3}, {9, 1, 3, 1}, {5, 5, 1, 1}, {1, 300, 1, 37},
                {300, 1, 37, 1}, {2, 3, 1, 1}, {1, 1, 224, 224}};
        for (int[] s : sizes) {
            RgbImage in = TestImages.noise(s[0], s[1], r);
            RgbImage want = ReferenceResampler.resizeWindow(in, s[2], s[3], 0, 0, s[2], s[3]);
            RgbImage got = Resampler.resizeWindow(in, s[2], s[3], 0, 0, s[2], s[3]);
            assertThat(got.pixels()).as(s[0] + "x" + s[1] + " -> " + s[2] + "x" + s[3]).isEqualTo(want.pixels());
        }
    }

    @Test
    void anUnchangedAxisGivesTheSamePixelsAsPillowSkippingThatPass() {
        Random r = new Random(12);
        RgbImage in = TestImages.noise(57, 41, r);
        for (int[] s : new int[][] {{57, 20}, {57, 90}, {20, 41}, {90, 41}, {57, 41}}) {
            RgbImage want = ReferenceResampler.resizeWindow(in, s[0], s[1], 0, 0, s[0], s[1]);
            assertThat(Resampler.resizeWindow(in, s[0], s[1], 0, 0, s[0], s[1]).pixels())
                    .as(s[0] + "x" + s[1]).isEqualTo(want.pixels());
        }
    }

    @ParameterizedTest(name = "{0}x{1} camera-like frame to {2} px: the model's pixels equal the reference")
    @CsvSource({"640, 480, 224", "1920, 1080, 224", "224, 224, 32", "480, 640, 224", "1280, 720, 32"})
    void cameraFramesAtModelSizesEqualTheReference(int w, int h, int size) {
        RgbImage frame = TestImages.scene(w, h, w + h + size);
        ImagePreparer preparer = new ImagePreparer(size, size, Preprocessing.TORCH);
        TestImages.Window win = TestImages.Window.of(preparer, frame);
        RgbImage want = ReferenceResampler.resizeWindow(frame, win.outW(), win.outH(), win.x0(), win.y0(), size, size);

        assertThat(preparer.resizeAndCrop(frame).pixels()).isEqualTo(want.pixels());
    }

    @ParameterizedTest(name = "{0}: prepared floats equal the reference's pixels through the preprocessing table")
    @ValueSource(strings = {"TORCH", "CAFFE", "NONE"})
    void floatsWrittenDuringTheResizeEqualResizingThenConverting(String name) {
        Preprocessing p = Preprocessing.valueOf(name);
        Random r = new Random(13);
        for (int i = 0; i < 40; i++) {
            int size = 1 + r.nextInt(40);
            ImagePreparer preparer = new ImagePreparer(size, size, p);
            RgbImage in = TestImages.noise(size + 1 + r.nextInt(200), size + 1 + r.nextInt(200), r);
            TestImages.Window win = TestImages.Window.of(preparer, in);
            RgbImage bytes = ReferenceResampler.resizeWindow(in, win.outW(), win.outH(), win.x0(), win.y0(), size, size);
            float[] want = new float[preparer.floats() + 5];
            preparer.toFloats(bytes, want, 5);
            float[] got = new float[preparer.floats() + 5];

            preparer.prepare(in, got, 5);

            assertThat(got).as("case " + i).containsExactly(want);
        }
    }

    @Test
    void anImageTooLargeForTheKeptBuffersThenASmallOneBothEqualTheReference() {
        Random r = new Random(14);
        // 2,900 source rows of a 500 px window, 3 ints a pixel: over the 4M ints a thread keeps
        RgbImage large = TestImages.noise(1100, 2900, r);
        RgbImage small = TestImages.noise(64, 48, r);

        assertThat(Resampler.resizeWindow(large, 520, 1300, 10, 0, 500, 1300).pixels())
                .isEqualTo(ReferenceResampler.resizeWindow(large, 520, 1300, 10, 0, 500, 1300).pixels());
        assertThat(Resampler.resizeWindow(small, 20, 30, 2, 3, 10, 20).pixels())
                .isEqualTo(ReferenceResampler.resizeWindow(small, 20, 30, 2, 3, 10, 20).pixels());
    }

    private static void assertSameAsReference(RgbImage in, int outW, int outH, Random r, String what) {
        int cw = 1 + r.nextInt(outW);
        int ch = 1 + r.nextInt(outH);
        int x0 = r.nextInt(outW - cw + 1);
        int y0 = r.nextInt(outH - ch + 1);
        RgbImage want = ReferenceResampler.resizeWindow(in, outW, outH, x0, y0, cw, ch);
        RgbImage got = Resampler.resizeWindow(in, outW, outH, x0, y0, cw, ch);
        assertThat(got.width()).isEqualTo(cw);
        assertThat(got.height()).isEqualTo(ch);
        assertThat(got.pixels()).as(what + ": " + in.width() + "x" + in.height() + " -> " + outW + "x" + outH
                + " window " + cw + "x" + ch + "+" + x0 + "+" + y0).isEqualTo(want.pixels());
    }

    /** Mostly small sizes, some large, odd and even alike: scale factors from 1/100 to 100. */
    private static int size(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> 1 + r.nextInt(8);
            case 1, 2 -> 1 + r.nextInt(100);
            default -> 1 + r.nextInt(400);
        };
    }
}
