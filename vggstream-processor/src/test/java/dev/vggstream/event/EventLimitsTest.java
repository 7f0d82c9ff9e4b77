package dev.vggstream.event;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventLimitsTest {

    @Test
    void the_defaults_take_16_mib_images_16_levels_and_1024_character_strings() {
        EventLimits d = EventLimits.DEFAULT;

        assertThat(d.maxImageBytes()).isEqualTo(16L << 20);
        assertThat(d.maxNestingDepth()).isEqualTo(16);
        assertThat(d.maxStringLength()).isEqualTo(1024);
    }

    @Test
    void the_default_json_limit_fits_the_largest_image_in_line_broken_base64_plus_64_kib() {
        long image = 3_000_000;
        long base64 = 4_000_000;
        long mimeBase64Escaped = base64 + base64 / 76 * 4; // "\r\n" written as 4 escaped bytes per 76-char line

        long limit = EventLimits.forImages(image).maxJsonBytes();

        assertThat(limit).isGreaterThanOrEqualTo(mimeBase64Escaped + (64 << 10)).isLessThan(base64 * 6 / 5);
        assertThat(EventLimits.forImages(image).maxDataChars()).isGreaterThanOrEqualTo((int) (base64 + base64 / 76 * 2));
    }

    @Test
    void nonsensical_limits_are_refused() {
        assertThatThrownBy(() -> new EventLimits(0, 100, 16, 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventLimits(100, 100, 0, 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventLimits(100, 100, 16, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventLimits(100, Integer.MAX_VALUE, 16, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
