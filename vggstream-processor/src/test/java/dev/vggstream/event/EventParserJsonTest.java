package dev.vggstream.event;

import dev.vggstream.image.ImageFormat;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static dev.vggstream.event.TestRecords.JPEG;
import static dev.vggstream.event.TestRecords.PNG;
import static dev.vggstream.event.TestRecords.RECORD_TS;
import static dev.vggstream.event.TestRecords.b64;
import static dev.vggstream.event.TestRecords.header;
import static dev.vggstream.event.TestRecords.record;
import static dev.vggstream.event.TestRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventParserJsonTest {
    private static final long NOV_27_20H = 1_795_809_600_000L; // 2026-11-27T20:00:00Z

    private final EventParser parser = new EventParser();

    @Test
    void a_json_event_with_an_iso_timestamp_keeps_every_field() throws Exception {
        ImageEvent e = parser.parse(record("key-1", """
                {"id": "evt-1", "source": "cam-7", "timestamp": "2026-11-27T20:00:00Z",
                 "contentType": "image/jpeg", "data": "%s"}""".formatted(b64(JPEG))));

        assertThat(e.id()).isEqualTo("evt-1");
        assertThat(e.source()).isEqualTo("cam-7");
        assertThat(e.timestampMs()).isEqualTo(NOV_27_20H);
        assertThat(e.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(e.image()).isEqualTo(JPEG);
        assertThat(e.encoding()).isEqualTo(ImageEvent.Encoding.JSON);
        assertThat(e.declaredFormat()).isEqualTo(ImageFormat.JPEG);
        assertThat(e.formatMismatch()).isFalse();
    }

    @Test
    void a_json_event_with_an_epoch_millisecond_timestamp_keeps_it() throws Exception {
        ImageEvent e = parser.parse(record(null, """
                {"id": "evt-2", "timestamp": %d, "data": "%s"}""".formatted(NOV_27_20H, b64(PNG))));

        assertThat(e.timestampMs()).isEqualTo(NOV_27_20H);
        assertThat(e.format()).isEqualTo(ImageFormat.PNG);
        assertThat(e.image()).isEqualTo(PNG);
    }

    @Test
    void iso_timestamps_with_an_offset_or_fraction_and_digit_strings_are_all_instants() throws Exception {
        assertThat(timestampOf("\"2026-11-27T21:00:00+01:00\"")).isEqualTo(NOV_27_20H);
        assertThat(timestampOf("\"2026-11-27T20:00:00.123456Z\"")).isEqualTo(NOV_27_20H + 123);
        assertThat(timestampOf("\"" + NOV_27_20H + "\"")).isEqualTo(NOV_27_20H);
    }

    @Test
    void missing_metadata_defaults_to_topic_partition_offset_the_key_and_the_record_timestamp() throws Exception {
        ImageEvent e = parser.parse(record("cam-9", "{\"data\": \"" + b64(JPEG) + "\"}"));

        assertThat(e.id()).isEqualTo("images-3-12345");
        assertThat(e.source()).isEqualTo("cam-9");
        assertThat(e.timestampMs()).isEqualTo(RECORD_TS);
        assertThat(e.declaredFormat()).isNull();
    }

    @Test
    void null_and_empty_metadata_fields_count_as_absent() throws Exception {
        ImageEvent e = parser.parse(record("cam-9", """
                {"id": "", "source": null, "timestamp": null, "contentType": "", "data": "%s"}"""
                .formatted(b64(JPEG))));

        assertThat(e.id()).isEqualTo("images-3-12345");
        assertThat(e.source()).isEqualTo("cam-9");
        assertThat(e.timestampMs()).isEqualTo(RECORD_TS);
        assertThat(e.declaredFormat()).isNull();
    }

    @Test
    void a_null_key_without_a_source_field_gives_a_null_source() throws Exception {
        ImageEvent e = parser.parse(record(null, "{\"data\": \"" + b64(JPEG) + "\"}"));

        assertThat(e.source()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "Application/JSON; charset=utf-8", "application/vnd.cam+json"})
    void a_json_content_type_header_selects_json_even_when_the_body_does_not_start_with_a_brace(String type) {
        InputRecord r = header(record("k", "[1]"), "Content-Type", type);

        assertThatThrownBy(() -> parser.parse(r)).isInstanceOfSatisfying(EventException.class, e -> {
            assertThat(e.reason()).isEqualTo(EventException.Reason.BAD_JSON);
            assertThat(e.getMessage()).isEqualTo("expected a JSON object, got array");
        });
    }

    @Test
    void a_json_content_type_header_with_a_valid_body_parses_as_json() throws Exception {
        InputRecord r = header(record("k", "{\"data\": \"" + b64(PNG) + "\"}"), "CONTENT-TYPE",
                "application/json; charset=UTF-8");

        assertThat(parser.parse(r).encoding()).isEqualTo(ImageEvent.Encoding.JSON);
    }

    @Test
    void a_body_starting_with_whitespace_or_a_byte_order_mark_then_a_brace_is_json() throws Exception {
        byte[] body = utf8("\uFEFF \r\n\t{\"data\":\"" + b64(JPEG) + "\"}\n");

        ImageEvent e = parser.parse(record("k", body));

        assertThat(e.encoding()).isEqualTo(ImageEvent.Encoding.JSON);
        assertThat(e.image()).isEqualTo(JPEG);
    }

    @Test
    void image_jpg_and_media_type_parameters_are_accepted_as_content_types() throws Exception {
        assertThat(declaredOf("image/jpg")).isEqualTo(ImageFormat.JPEG);
        assertThat(declaredOf("IMAGE/JPEG; q=0.9")).isEqualTo(ImageFormat.JPEG);
    }

    @Test
    void a_content_type_that_disagrees_with_the_bytes_is_noted_and_the_bytes_win() throws Exception {
        ImageEvent e = parser.parse(record("k", """
                {"contentType": "image/png", "data": "%s"}""".formatted(b64(JPEG))));

        assertThat(e.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(e.declaredFormat()).isEqualTo(ImageFormat.PNG);
        assertThat(e.formatMismatch()).isTrue();
    }

    @Test
    void data_may_come_first_and_fields_may_be_spaced_any_way_json_allows() throws Exception {
        ImageEvent e = parser.parse(record("k", "{ \"data\"\n:\t\"" + b64(PNG) + "\"\r\n ,\n \"id\" : \"x\" }"));

        assertThat(e.image()).isEqualTo(PNG);
        assertThat(e.id()).isEqualTo("x");
    }

    @Test
    void base64_with_escaped_slashes_and_mime_line_breaks_decodes_to_the_same_image() throws Exception {
        String mime = Base64.getMimeEncoder().encodeToString(JPEG).replace("\r\n", "\\r\\n").replace("/", "\\/");

        ImageEvent e = parser.parse(record("k", "{\"data\": \"" + mime + "\"}"));

        assertThat(mime).contains("\\/");
        assertThat(e.image()).isEqualTo(JPEG);
    }

    @Test
    void unpadded_and_url_safe_base64_are_accepted() throws Exception {
        String unpadded = Base64.getEncoder().withoutPadding().encodeToString(JPEG);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(PNG);

        assertThat(parser.parse(record("k", "{\"data\": \"" + unpadded + "\"}")).image()).isEqualTo(JPEG);
        assertThat(parser.parse(record("k", "{\"data\": \"" + urlSafe + "\"}")).image()).isEqualTo(PNG);
    }

    @Test
    void unknown_fields_of_every_shape_are_skipped() throws Exception {
        ImageEvent e = parser.parse(record("k", """
                {"meta": {"a": [1, 2.5, {"b": null}], "c": "\\u00e9"}, "tags": ["x", "y"], "n": 1e300,
                 "flag": true, "data": "%s", "after": {"id": "not-me"}}""".formatted(b64(JPEG))));

        assertThat(e.image()).isEqualTo(JPEG);
        assertThat(e.id()).isEqualTo("images-3-12345");
    }

    @Test
    void metadata_strings_keep_their_escapes_and_unicode() throws Exception {
        ImageEvent e = parser.parse(record("k", """
                {"id": "a\\"b\\\\c\\u00e9", "source": "caméra-7", "data": "%s"}""".formatted(b64(JPEG))));

        assertThat(e.id()).isEqualTo("a\"b\\cé");
        assertThat(e.source()).isEqualTo("caméra-7");
    }

    @Test
    void a_utf16_json_document_announced_by_its_header_parses_without_the_byte_fast_path() throws Exception {
        byte[] body = ("{\"id\": \"u16\", \"data\": \"" + b64(PNG) + "\"}").getBytes(StandardCharsets.UTF_16BE);
        InputRecord r = header(record("k", body), "content-type", "application/json");

        ImageEvent e = parser.parse(r);

        assertThat(e.id()).isEqualTo("u16");
        assertThat(e.image()).isEqualTo(PNG);
    }

    @Test
    void a_payload_that_names_a_file_or_url_is_only_data_and_nothing_is_fetched() throws Exception {
        // if "data" were resolved, /etc/passwd would be read; instead it is base64 that is wrong at the ':'
        assertThatThrownBy(() -> parser.parse(record("k", "{\"data\": \"file:///etc/passwd\"}")))
                .isInstanceOfSatisfying(EventException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EventException.Reason.BAD_BASE64);
                    assertThat(e.getMessage()).isEqualTo("invalid base64 in 'data' at character 4 (':')");
                });

        ImageEvent e = parser.parse(record("k", """
                {"url": "http://127.0.0.1:1/never", "@class": "java.io.File", "@type": "java.net.URL",
                 "$ref": "file:///etc/passwd", "data": "%s"}""".formatted(b64(PNG))));
        assertThat(e.image()).isEqualTo(PNG);
    }

    @Test
    void one_parser_shared_by_several_threads_gives_each_record_its_own_event() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var results = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
            for (int t = 0; t < 4; t++) {
                byte[] image = t % 2 == 0 ? JPEG : PNG;
                String id = "thread-" + t;
                results.add(pool.submit(() -> {
                    InputRecord r = record("k", "{\"id\": \"" + id + "\", \"data\": \"" + b64(image) + "\"}");
                    for (int i = 0; i < 2_000; i++) {
                        ImageEvent e = parser.parse(r);
                        if (!e.id().equals(id) || !java.util.Arrays.equals(e.image(), image)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** How fast it parses is a benchmark's question (a timed unit test fails on a busy machine): here, that it does. */
    @Test
    void a_25_kb_image_in_json_parses_to_its_exact_bytes() throws Exception {
        byte[] image = new byte[25_000];
        new java.util.Random(7).nextBytes(image);
        System.arraycopy(JPEG, 0, image, 0, 3);
        InputRecord r = record("cam-7", """
                {"id": "evt", "source": "cam-7", "timestamp": "2026-11-27T20:00:00Z", "contentType": "image/jpeg",
                 "data": "%s"}""".formatted(b64(image)));

        assertThat(parser.parse(r).image()).isEqualTo(image);
    }

    private long timestampOf(String json) throws EventException {
        return parser.parse(record("k", "{\"timestamp\": " + json + ", \"data\": \"" + b64(JPEG) + "\"}"))
                .timestampMs();
    }

    private ImageFormat declaredOf(String contentType) throws EventException {
        return parser.parse(record("k", "{\"contentType\": \"" + contentType + "\", \"data\": \"" + b64(JPEG)
                + "\"}")).declaredFormat();
    }
}
