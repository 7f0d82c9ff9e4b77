package dev.vggstream.service;

import dev.vggstream.event.EventParser;
import dev.vggstream.event.ImageEvent;
import dev.vggstream.event.InputRecord;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WarmupTest {

    @Test
    void theSyntheticEventsAreDistinct224PixelJpegsAsRawAndAsJson() throws Exception {
        List<InputRecord> events = Warmup.syntheticEvents();
        assertThat(events).hasSize(2 * Warmup.DISTINCT_IMAGES);
        EventParser parser = new EventParser();
        List<ImageEvent> parsed = new java.util.ArrayList<>();
        for (InputRecord r : events) {
            parsed.add(parser.parse(r));
        }
        assertThat(parsed).extracting(e -> e.encoding().name()).containsOnly("RAW", "JSON");
        assertThat(parsed.get(0).image()).isEqualTo(parsed.get(1).image());
        assertThat(parsed.get(0).image()).isNotEqualTo(parsed.get(2).image());
    }

    @Test
    void theImagePathWarmUpPreparesAsManyImagesAsAsked() {
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, 32, 32, Preprocessing.TORCH);
        assertThat(Warmup.imagePath(new EventParser(), pipeline, 20)).isEqualTo(20);
        assertThat(Warmup.imagePath(new EventParser(), pipeline, 0)).isZero();
    }

    @Test
    void aRefusedSyntheticImageEndsTheWarmUpWithoutFailingTheStart() {
        // images below 300 px a side are refused: the warm-up logs it and the start goes on
        ImagePipeline strict = new ImagePipeline(new ImageLimits(10_000_000, 40_000_000, 300, 2000), 32, 32,
                Preprocessing.TORCH);
        assertThat(Warmup.imagePath(new EventParser(), strict, 20)).isZero();
    }
}
