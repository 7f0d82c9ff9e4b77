package dev.vggstream.event;

import dev.vggstream.event.EventException.Reason;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.vggstream.event.TestRecords.JPEG;
import static dev.vggstream.event.TestRecords.PNG;
import static dev.vggstream.event.TestRecords.b64;
import static dev.vggstream.event.TestRecords.image;
import static dev.vggstream.event.TestRecords.record;
import static dev.vggstream.event.TestRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventParserMalformedTest {
    private static final String DATA = "\"data\": \"" + b64(JPEG) + "\"";

    private final EventParser parser = new EventParser();

    @Test
    void an_empty_value_is_refused_as_empty() {
        EventException e = refused(record("k", new byte[0]));

        assertThat(e.reason()).isEqualTo(Reason.EMPTY_VALUE);
        assertThat(e.getMessage()).isEqualTo("value is empty: no image");
    }

    @Test
    void a_null_value_is_refused_as_an_empty_tombstone() {
        EventException e = refused(record("k", (byte[]) null));

        assertThat(e.reason()).isEqualTo(Reason.EMPTY_VALUE);
        assertThat(e.getMessage()).contains("tombstone");
    }

    @Test
    void plain_text_is_neither_json_nor_an_image_and_the_message_shows_its_first_bytes() {
        EventException e = refused(record("k", "hello"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_JSON_OR_IMAGE);
        assertThat(e.getMessage()).isEqualTo(
                "value is neither a JSON object nor a JPEG or PNG image; it starts with 68 65 6c 6c 6f \"hello\"");
    }

    @Test
    void a_zip_file_is_neither_json_nor_an_image() {
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0};

        EventException e = refused(record("k", zip));

        assertThat(e.reason()).isEqualTo(Reason.NOT_JSON_OR_IMAGE);
        assertThat(e.getMessage()).endsWith("50 4b 03 04 14 00 00 00 \"PK......\"...");
    }

    @Test
    void a_pdf_is_neither_json_nor_an_image() {
        EventException e = refused(record("k", "%PDF-1.4\n%âãÏÓ\n1 0 obj"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_JSON_OR_IMAGE);
        assertThat(e.getMessage()).contains("\"%PDF-1.4\"");
    }

    @Test
    void json_without_data_is_missing_data() {
        EventException e = refused(record("k", "{\"id\": \"x\"}"));

        assertThat(e.reason()).isEqualTo(Reason.MISSING_DATA);
        assertThat(e.getMessage()).isEqualTo("field 'data' is missing");
    }

    @Test
    void null_or_empty_data_is_missing_data() {
        assertRefused("{\"data\": null}", Reason.MISSING_DATA, "field 'data' is null");
        assertRefused("{\"data\": \"\"}", Reason.MISSING_DATA, "field 'data' is empty");
    }

    @Test
    void data_that_is_a_number_is_the_wrong_type() {
        assertRefused("{\"data\": 12345}", Reason.WRONG_TYPE, "field 'data' must be a base64 string, got number");
    }

    @Test
    void an_id_that_is_an_object_is_the_wrong_type() {
        assertRefused("{\"id\": {\"x\": 1}, " + DATA + "}", Reason.WRONG_TYPE,
                "field 'id' must be a string, got object");
    }

    @Test
    void a_source_that_is_an_array_is_the_wrong_type() {
        assertRefused("{\"source\": [\"cam\"], " + DATA + "}", Reason.WRONG_TYPE,
                "field 'source' must be a string, got array");
    }

    @Test
    void a_timestamp_that_is_a_boolean_is_the_wrong_type() {
        assertRefused("{\"timestamp\": true, " + DATA + "}", Reason.WRONG_TYPE,
                "field 'timestamp' must be an ISO-8601 string or epoch milliseconds, got boolean");
    }

    @Test
    void fractional_negative_huge_and_unparseable_timestamps_are_bad_timestamps() {
        assertThat(refusedJson("{\"timestamp\": 1.5e12, " + DATA + "}").getMessage())
                .isEqualTo("field 'timestamp' must be whole epoch milliseconds, got '1.5e12'");
        assertThat(refusedJson("{\"timestamp\": -1, " + DATA + "}").getMessage())
                .startsWith("field 'timestamp' is out of range: -1");
        assertThat(refusedJson("{\"timestamp\": 99999999999999999999999, " + DATA + "}").getMessage())
                .startsWith("field 'timestamp' is out of range");
        assertThat(refusedJson("{\"timestamp\": \"27/11/2026\", " + DATA + "}").getMessage())
                .startsWith("field 'timestamp' must be ISO-8601 with a zone");
        for (String json : new String[]{"{\"timestamp\": 1.5e12, " + DATA + "}", "{\"timestamp\": -1, " + DATA + "}",
                "{\"timestamp\": \"27/11/2026\", " + DATA + "}"}) {
            assertThat(refusedJson(json).reason()).isEqualTo(Reason.BAD_TIMESTAMP);
        }
    }

    @Test
    void invalid_base64_is_reported_at_the_offending_character() {
        StringBuilder b64 = new StringBuilder(b64(new byte[3000]));
        b64.setCharAt(1234, '!');

        assertRefused("{\"data\": \"" + b64 + "\"}", Reason.BAD_BASE64,
                "invalid base64 in 'data' at character 1234 ('!')");
    }

    @Test
    void base64_mistakes_of_each_kind_get_their_own_message() {
        assertRefused("{\"data\": \"/9j/4A\\u0000AA\"}", Reason.BAD_BASE64,
                "invalid base64 in 'data' at character 6 (U+0000)");
        assertRefused("{\"data\": \"/9j/4AA-\"}", Reason.BAD_BASE64,
                "invalid base64 in 'data' at character 7 ('-'): mixes the standard and URL-safe alphabets");
        assertRefused("{\"data\": \"/9j=4AAA\"}", Reason.BAD_BASE64,
                "invalid base64 in 'data' at character 4: '4' after '=' padding");
        assertRefused("{\"data\": \"/9j/4\"}", Reason.BAD_BASE64,
                "invalid base64 in 'data': 5 characters leave one dangling character at the end (truncated?)");
        assertRefused("{\"data\": \"/9j/4A=\"}", Reason.BAD_BASE64, "invalid base64 in 'data': wrong '=' padding at the end");
        assertRefused("{\"data\": \"/9j/ 4AA\"}", Reason.BAD_BASE64, "invalid base64 in 'data' at character 4 (' ')");
    }

    @Test
    void data_that_decodes_to_something_other_than_an_image_is_not_an_image() {
        assertRefused("{\"data\": \"" + b64(utf8("hello world")) + "\"}", Reason.NOT_AN_IMAGE,
                "field 'data' is not a JPEG or PNG image; it starts with 68 65 6c 6c 6f 20 77 6f \"hello wo\"...");
    }

    @Test
    void data_holding_a_gif_is_an_unsupported_format() {
        assertRefused("{\"data\": \"" + b64(image("gif")) + "\"}", Reason.UNSUPPORTED_FORMAT,
                "field 'data' is a GIF image; only JPEG and PNG are accepted");
    }

    @Test
    void a_content_type_other_than_jpeg_or_png_is_unknown() {
        assertRefused("{\"contentType\": \"image/gif\", " + DATA + "}", Reason.UNKNOWN_CONTENT_TYPE,
                "unknown contentType 'image/gif' (expected image/jpeg or image/png)");
        assertRefused("{\"contentType\": \"text/html\", " + DATA + "}", Reason.UNKNOWN_CONTENT_TYPE,
                "unknown contentType 'text/html' (expected image/jpeg or image/png)");
        assertRefused("{\"contentType\": 7, " + DATA + "}", Reason.WRONG_TYPE,
                "field 'contentType' must be a string, got number");
    }

    @Test
    void a_10_mb_id_is_too_long_and_is_refused_without_reading_it_whole() {
        String json = "{\"id\": \"" + "x".repeat(10 << 20) + "\", " + DATA + "}";
        InputRecord r = record("k", json);
        long best = Long.MAX_VALUE;
        EventException e = null;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            e = refused(r);
            best = Math.min(best, System.nanoTime() - t0);
        }

        assertThat(e.reason()).isEqualTo(Reason.FIELD_TOO_LONG);
        assertThat(e.getMessage()).isEqualTo("field 'id' is longer than 1024 characters");
        assertThat(best).as("nanoseconds to refuse").isLessThan(20_000_000L);
    }

    @Test
    void the_string_limit_counts_characters_not_bytes_and_is_inclusive() throws Exception {
        String escaped = "\\u00e9".repeat(1024); // 6 bytes each in the document, 1 character each
        assertThat(parser.parse(record("k", "{\"id\": \"" + escaped + "\", " + DATA + "}")).id()).hasSize(1024);
        assertThat(parser.parse(record("k", "{\"id\": \"" + "é".repeat(1024) + "\", " + DATA + "}")).id())
                .hasSize(1024);

        assertRefused("{\"source\": \"" + "y".repeat(1025) + "\", " + DATA + "}", Reason.FIELD_TOO_LONG,
                "field 'source' is longer than 1024 characters");
        assertRefused("{\"id\": \"" + escaped + "\\u00e9\", " + DATA + "}", Reason.FIELD_TOO_LONG,
                "field 'id' is longer than 1024 characters");
    }

    @Test
    void an_overlong_field_name_is_too_long() {
        assertRefused("{\"" + "n".repeat(2000) + "\": 1, " + DATA + "}", Reason.FIELD_TOO_LONG,
                "a field name is longer than 1024 characters");
    }

    @Test
    void json_nested_10000_levels_deep_is_too_deep_without_overflowing_the_stack() {
        String deep = "{\"meta\": " + "{\"a\": [".repeat(5_000) + "]}".repeat(5_000) + ", " + DATA + "}";

        assertRefused(deep, Reason.TOO_DEEP, "JSON nested deeper than 16 levels in field 'meta'");
    }

    @Test
    void sixteen_levels_are_allowed_and_the_seventeenth_is_not() throws Exception {
        String ok = "{\"m\": " + "[".repeat(15) + "]".repeat(15) + ", " + DATA + "}";
        String over = "{\"m\": " + "[".repeat(16) + "]".repeat(16) + ", " + DATA + "}";

        assertThat(parser.parse(record("k", ok)).image()).isEqualTo(JPEG);
        assertRefused(over, Reason.TOO_DEEP, "JSON nested deeper than 16 levels in field 'm'");
    }

    @Test
    void json_over_the_byte_limit_is_too_large_before_it_is_parsed() {
        EventParser small = new EventParser(EventLimits.DEFAULT.withMaxJsonBytes(100));
        byte[] json = utf8("{" + DATA + "}");

        EventException e = refused(small, record("k", json));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("JSON value is " + json.length + " bytes, more than the 100-byte limit");
    }

    @Test
    void data_decoding_to_more_than_the_image_limit_is_too_large() {
        EventParser small = new EventParser(EventLimits.forImages(PNG.length - 1));

        EventException e = refused(small, record("k", "{\"data\": \"" + b64(PNG) + "\"}"));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("field 'data' decodes to " + PNG.length + " bytes, more than the "
                + (PNG.length - 1) + "-byte image limit");
    }

    @Test
    void escaped_data_longer_than_any_allowed_image_is_too_large_before_it_is_decoded() {
        EventParser small = new EventParser(EventLimits.forImages(30));
        String escaped = "\\/9j\\/".repeat(20); // escapes force the path where Jackson reads the whole string

        EventException e = refused(small, record("k", "{\"data\": \"" + escaped + "\"}"));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("field 'data' is longer than 41 characters (images are limited to 30 bytes)");
    }

    @Test
    void a_timestamp_with_more_digits_than_json_numbers_may_have_is_a_bad_timestamp() {
        assertRefused("{\"timestamp\": " + "9".repeat(1500) + ", " + DATA + "}", Reason.BAD_TIMESTAMP,
                "field 'timestamp' is out of range");
    }

    @Test
    void json_truncated_inside_data_is_bad_json_naming_the_field() {
        String json = "{\"id\": \"a\", " + DATA + "}";

        assertRefused(json.substring(0, json.length() - 20), Reason.BAD_JSON,
                "JSON ends early (truncated?) in field 'data'");
    }

    @Test
    void json_truncated_between_fields_is_bad_json_naming_the_last_field() {
        assertRefused("{\"id\": \"a\",", Reason.BAD_JSON, "JSON ends early (truncated?) after field 'id'");
        assertRefused("{\"id\": \"a", Reason.BAD_JSON, "JSON ends early (truncated?) in field 'id'");
        assertRefused("{", Reason.BAD_JSON, "JSON ends early (truncated?)");
    }

    @Test
    void malformed_json_says_where_and_in_which_field() {
        EventException e = refusedJson("{\"id\": abc, " + DATA + "}");

        assertThat(e.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(e.getMessage()).startsWith("malformed JSON in field 'id' at byte 7: Unrecognized token 'abc'");
    }

    @Test
    void an_error_right_after_data_is_blamed_on_the_field_it_is_in() {
        EventException e = refusedJson("{" + DATA + ", \"id\": abc}");

        assertThat(e.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(e.getMessage()).startsWith("malformed JSON in field 'id' at byte");
    }

    @Test
    void a_second_json_value_after_the_object_is_bad_json() {
        String json = "{" + DATA + "} {\"id\": 2}";

        assertRefused(json, Reason.BAD_JSON, "content after the JSON object at byte " + json.lastIndexOf('{'));
    }

    @Test
    void a_known_field_given_twice_is_a_duplicate_whichever_value_comes_last() {
        assertRefused("{" + DATA + ", \"id\": \"a\", " + DATA + "}", Reason.DUPLICATE_FIELD,
                "field 'data' appears more than once");
        assertRefused("{\"id\": \"a\", \"id\": null, " + DATA + "}", Reason.DUPLICATE_FIELD,
                "field 'id' appears more than once");
    }

    @Test
    void corrupting_a_valid_event_anywhere_yields_an_event_exception_or_an_event_and_nothing_else() {
        byte[] valid = utf8("{\"id\": \"evt\\u00e9\", \"source\": \"cam\", \"timestamp\": \"2026-11-27T20:00:00Z\","
                + " \"contentType\": \"image/jpeg\", \"meta\": [1, {\"a\": null}], " + DATA + "}");
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            byte[] bad = valid.clone();
            for (int k = random.nextInt(3) + 1; k > 0; k--) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(bad.length) : bad.length;
            byte[] cut = java.util.Arrays.copyOf(bad, length);
            try {
                parser.parse(record("k", cut));
            } catch (EventException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException | Error e) {
                fail("input " + new String(cut, StandardCharsets.ISO_8859_1) + " threw " + e, e);
            }
        }
    }

    private void assertRefused(String json, Reason reason, String message) {
        EventException e = refusedJson(json);
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    private EventException refusedJson(String json) {
        return refused(record("k", json));
    }

    private EventException refused(InputRecord r) {
        return refused(parser, r);
    }

    private static EventException refused(EventParser p, InputRecord r) {
        try {
            ImageEvent e = p.parse(r);
            return fail("expected a refusal, got " + e);
        } catch (EventException e) {
            return e;
        }
    }
}
