package dev.vggstream.event;

import dev.vggstream.event.EventException.Reason;
import dev.vggstream.image.ImageFormat;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import static dev.vggstream.event.TestRecords.JPEG;
import static dev.vggstream.event.TestRecords.PNG;
import static dev.vggstream.event.TestRecords.RECORD_TS;
import static dev.vggstream.event.TestRecords.header;
import static dev.vggstream.event.TestRecords.image;
import static dev.vggstream.event.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventParserRawTest {
    private final EventParser parser = new EventParser();

    @Test
    void a_raw_jpeg_takes_its_metadata_from_the_headers() throws Exception {
        InputRecord r = record("key", JPEG);
        header(r, EventHeaders.ID, "evt-9");
        header(r, EventHeaders.SOURCE, "cam-7");
        header(r, EventHeaders.TIMESTAMP, "1795809600000");

        ImageEvent e = parser.parse(r);

        assertThat(e.id()).isEqualTo("evt-9");
        assertThat(e.source()).isEqualTo("cam-7");
        assertThat(e.timestampMs()).isEqualTo(1_795_809_600_000L);
        assertThat(e.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(e.encoding()).isEqualTo(ImageEvent.Encoding.RAW);
        assertThat(e.image()).isSameAs(r.value());
        assertThat(e.declaredFormat()).isNull();
    }

    @Test
    void a_raw_png_accepts_an_iso_timestamp_header() throws Exception {
        InputRecord r = header(record("key", PNG), EventHeaders.TIMESTAMP, "2026-11-27T20:00:00Z");

        ImageEvent e = parser.parse(r);

        assertThat(e.format()).isEqualTo(ImageFormat.PNG);
        assertThat(e.timestampMs()).isEqualTo(1_795_809_600_000L);
    }

    @Test
    void a_raw_image_without_headers_gets_the_defaults() throws Exception {
        ImageEvent e = parser.parse(record("cam-3", PNG));

        assertThat(e.id()).isEqualTo("images-3-12345");
        assertThat(e.source()).isEqualTo("cam-3");
        assertThat(e.timestampMs()).isEqualTo(RECORD_TS);
    }

    @Test
    void a_raw_image_with_a_null_key_and_no_source_header_has_a_null_source() throws Exception {
        assertThat(parser.parse(record(null, JPEG)).source()).isNull();
    }

    @Test
    void the_last_of_repeated_metadata_headers_wins_as_in_kafka() throws Exception {
        InputRecord r = header(header(record("k", JPEG), EventHeaders.ID, "first"), EventHeaders.ID, "second");

        assertThat(parser.parse(r).id()).isEqualTo("second");
    }

    @Test
    void a_content_type_header_naming_another_image_format_is_noted_not_obeyed() throws Exception {
        ImageEvent e = parser.parse(header(record("k", JPEG), "Content-Type", "image/png"));

        assertThat(e.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(e.declaredFormat()).isEqualTo(ImageFormat.PNG);
        assertThat(e.formatMismatch()).isTrue();
    }

    @Test
    void a_generic_content_type_header_on_a_raw_image_is_ignored() throws Exception {
        ImageEvent e = parser.parse(header(record("k", PNG), "content-type", "application/octet-stream"));

        assertThat(e.format()).isEqualTo(ImageFormat.PNG);
        assertThat(e.declaredFormat()).isNull();
    }

    @Test
    void a_bad_timestamp_header_is_refused_naming_the_header() {
        InputRecord r = header(record("k", JPEG), EventHeaders.TIMESTAMP, "yesterday");

        assertThatThrownBy(() -> parser.parse(r)).isInstanceOfSatisfying(EventException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.BAD_TIMESTAMP);
            assertThat(e.getMessage()).startsWith("header 'vggstream.timestamp' must be ISO-8601").contains("'yesterday'");
        });
    }

    @Test
    void a_local_time_without_a_zone_is_refused_rather_than_guessed() {
        InputRecord r = header(record("k", JPEG), EventHeaders.TIMESTAMP, "2026-11-27T20:00:00");

        assertThatThrownBy(() -> parser.parse(r)).isInstanceOfSatisfying(EventException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_TIMESTAMP));
    }

    @Test
    void a_gif_is_refused_as_unsupported_rather_than_as_garbage() {
        assertThatThrownBy(() -> parser.parse(record("k", image("gif"))))
                .isInstanceOfSatisfying(EventException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
                    assertThat(e.getMessage()).isEqualTo("value is a GIF image; only JPEG and PNG are accepted");
                });
    }

    @Test
    void a_raw_image_over_the_byte_limit_is_refused() {
        EventParser small = new EventParser(EventLimits.forImages(JPEG.length - 1));

        assertThatThrownBy(() -> small.parse(record("k", JPEG))).isInstanceOfSatisfying(EventException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains(JPEG.length + " bytes");
        });
    }

    @Test
    void an_overlong_id_header_is_refused_naming_the_header() {
        InputRecord r = header(record("k", JPEG), EventHeaders.ID, "x".repeat(1025));

        assertThatThrownBy(() -> parser.parse(r)).isInstanceOfSatisfying(EventException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.FIELD_TOO_LONG);
            assertThat(e.getMessage()).isEqualTo("header 'vggstream.id' is longer than 1024 characters");
        });
    }

    @Test
    void an_overlong_key_is_refused_only_when_it_would_become_the_source() throws Exception {
        InputRecord defaulted = record("k".repeat(2000), JPEG);
        InputRecord explicit = header(record("k".repeat(2000), JPEG), EventHeaders.SOURCE, "cam-1");

        assertThatThrownBy(() -> parser.parse(defaulted)).isInstanceOfSatisfying(EventException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.FIELD_TOO_LONG);
            assertThat(e.getMessage()).startsWith("record key (the default source)");
        });
        assertThat(parser.parse(explicit).source()).isEqualTo("cam-1");
    }

    @Test
    void a_binary_key_becomes_a_lossy_source_instead_of_an_error() throws Exception {
        InputRecord r = new InputRecord("t", 0, 0, 0, new byte[]{(byte) 0xff, 'a'}, JPEG, null);

        assertThat(parser.parse(r).source()).isEqualTo("\uFFFDa");
    }
}
