package dev.vggstream.image;

import dev.vggstream.bench.Payloads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline decodes into one buffer per thread: no image may see another's pixels. */
class ImagePipelineScratchTest {

    final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO);

    @Test
    void imagesOfMixedSizesOnOneThreadPrepareAsEachDoesAlone() throws Exception {
        ImagePipeline pipeline = new ImagePipeline(decoder, new ImagePreparer(32, 32, Preprocessing.TORCH));
        // a frame first, so the smaller images after it are decoded into a buffer longer than they are
        List<byte[]> images = new ArrayList<>(Payloads.jpegs(2, 640, 480, 7));
        images.addAll(1, Payloads.jpegs(3, 224, 224, 8));
        images.add(Payloads.jpegs(1, 300, 200, 9).get(0));

        for (byte[] image : images) {
            float[] alone = pipeline.preparer().prepare(decoder.decode(image));

            assertThat(pipeline.prepare(image)).isEqualTo(alone);
        }
    }

    @Test
    void theScratchGrowsToTheLargestImageAndIsKept() {
        PixelScratch scratch = new PixelScratch();

        byte[] large = scratch.take(1000);
        assertThat(large).hasSizeGreaterThanOrEqualTo(1000);
        assertThat(scratch.take(10)).isSameAs(large);
        assertThat(scratch.take(2000)).hasSizeGreaterThanOrEqualTo(2000).isNotSameAs(large);
    }

    @Test
    void anImageOverTheScratchLimitGetsItsOwnArray() {
        PixelScratch scratch = new PixelScratch();
        byte[] kept = scratch.take(100);

        byte[] huge = scratch.take(PixelScratch.MAX_BYTES + 1);

        assertThat(huge).isNotSameAs(kept);
        assertThat(scratch.take(100)).isSameAs(kept);
    }

    @Test
    void decodingWithoutAScratchStillGivesEachImageItsOwnPixels() throws Exception {
        List<byte[]> images = Payloads.jpegs(2, 224, 224, 10);

        RgbImage first = decoder.decode(images.get(0));
        byte[] copy = first.pixels().clone();
        decoder.decode(images.get(1));

        assertThat(first.pixels()).isEqualTo(copy);
    }
}
