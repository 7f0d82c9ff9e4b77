package dev.vggstream.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which reduction {@code image.jpeg-scale=auto} decodes a JPEG at: as small as the resize step allows, no smaller. */
class JpegScaleTest {

    static final ImagePreparer TORCH_224 = new ImagePreparer(224, 224, Preprocessing.TORCH);
    static final ImagePreparer CAFFE_224 = new ImagePreparer(224, 224, Preprocessing.CAFFE);
    static final ImagePreparer NONE_224 = new ImagePreparer(224, 224, Preprocessing.NONE);
    static final ImagePreparer TINY_32 = new ImagePreparer(32, 32, Preprocessing.TORCH);
    /** 448 wide, 224 tall: the one shape for which the EXIF rotation changes the answer. */
    static final ImagePreparer WIDE = new ImagePreparer(224, 448, Preprocessing.TORCH);

    @ParameterizedTest(name = "{0}x{1} for a 224 px model: 1/{2}")
    @CsvSource({
            "3840, 2160, 8", // 480x270: short side 270 >= 256
            "1920, 1080, 4", // 480x270
            "1280,  720, 2", // 640x360; 1/4 would leave 180
            " 640,  480, 1", // 1/2 would leave 240
            " 512,  512, 2", // 256x256: exactly the short side needed
            " 511,  511, 2", // ceil(511 / 2) = 256, as libjpeg rounds up
            " 510,  510, 1", // 255: one pixel short
            "1921, 1081, 4", // odd sides: 481x271
            "2047, 1021, 4", // ceil(1021 / 4) = 256
            "2047, 1019, 2", // ceil(1019 / 4) = 255, too few; 1/2: 510
            "1080, 1920, 4", // portrait
            " 224,  224, 1", // already the model's size: used as it is
            " 100,   80, 1", // smaller than the model: enlarged, never reduced further
            "4096,  257, 1", // a panorama: only the short side counts
    })
    void aSquareModelGetsTheLargestReductionThatLeavesTheShortSideAtLeast256(int w, int h, int expected) {
        for (ImagePreparer preset : new ImagePreparer[] {TORCH_224, CAFFE_224, NONE_224}) {
            assertThat(JpegScale.reduction(w, h, 1, preset)).as(preset.preprocessing().id()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}x{1} for a 32 px model: 1/{2}")
    @CsvSource({
            "1920, 1080, 8", // 240x135, 37 needed
            " 640,  480, 8", // 80x60
            " 224,  224, 4", // 1/8 would leave 28 < 37
            " 296,  296, 8", // ceil(296 / 8) = 37: exactly enough
            " 288,  288, 4", // 36 at 1/8
            "  64,   48, 1", // 1/2 would leave 24
    })
    void aSmallModelAllowsLargerReductions(int w, int h, int expected) {
        assertThat(TINY_32.resizeShorterSide()).isEqualTo(37);
        assertThat(JpegScale.reduction(w, h, 1, TINY_32)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({"1", "2", "3", "4", "5", "6", "7", "8"})
    void forASquareModelTheExifOrientationChangesNothing(int orientation) {
        assertThat(JpegScale.reduction(1920, 1080, orientation, TORCH_224)).isEqualTo(4);
        assertThat(JpegScale.reduction(1279, 721, orientation, TORCH_224)).isEqualTo(2);
    }

    @ParameterizedTest(name = "stored 1200x600, orientation {0}: 1/{1}")
    @CsvSource({"1, 2", "2, 2", "3, 2", "4, 2", "5, 1", "6, 1", "7, 1", "8, 1"})
    void forAWideModelTheNeedIsThatOfTheRotatedImage(int orientation, int expected) {
        // As stored at 1/2, 600x300 is resized to 512x256 and cropped to 448x224: enough. Displayed after a 90°
        // rotation it is 300x600, whose resize must reach 448 px of width: more than it has, so it is not reduced.
        assertThat(JpegScale.reduction(1200, 600, orientation, WIDE)).isEqualTo(expected);
    }

    @Test
    void theChosenReductionNeverMakesTheResizeEnlargeAndTwiceItWould() {
        int checked = 0;
        for (ImagePreparer p : new ImagePreparer[] {TORCH_224, TINY_32, WIDE, new ImagePreparer(299, 299,
                Preprocessing.CAFFE)}) {
            for (int w = 17; w < 4200; w += 97) {
                for (int h = 13; h < 2400; h += 89) {
                    for (int orientation : new int[] {1, 6}) {
                        int r = JpegScale.reduction(w, h, orientation, p);
                        assertThat(displayedFits(w, h, r, orientation, p)).as("%dx%d o%d 1/%d", w, h, orientation, r)
                                .isTrue();
                        if (r < 8) {
                            assertThat(displayedFits(w, h, r * 2, orientation, p))
                                    .as("%dx%d o%d 1/%d", w, h, orientation, r * 2).isFalse();
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(9_000);
    }

    /** At reduction 1 the full image is what the resize gets either way: it "fits" by definition. */
    private static boolean displayedFits(int w, int h, int r, int orientation, ImagePreparer p) {
        if (r == 1) {
            return true;
        }
        int sw = JpegScale.ceilDiv(w, r);
        int sh = JpegScale.ceilDiv(h, r);
        return orientation >= 5 ? p.onlyShrinks(sh, sw) : p.onlyShrinks(sw, sh);
    }

    @Test
    void configValuesParseAndAnUnknownOneIsNamed() {
        assertThat(JpegScale.parse(" AUTO ")).isEqualTo(JpegScale.AUTO);
        assertThat(JpegScale.parse("exact")).isEqualTo(JpegScale.EXACT);
        assertThatThrownBy(() -> JpegScale.parse("half")).hasMessageContaining("'half'");
    }
}
