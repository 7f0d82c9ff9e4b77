package dev.vggstream.event;

import dev.vggstream.event.EventException.Reason;
import dev.vggstream.image.ImageFormat;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.vggstream.event.TestRecords.JPEG;
import static dev.vggstream.event.TestRecords.PNG;
import static dev.vggstream.event.TestRecords.RECORD_TS;
import static dev.vggstream.event.TestRecords.b64;
import static dev.vggstream.event.TestRecords.header;
import static dev.vggstream.event.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CloudEvents 1.0 input, Kafka protocol binding: binary and structured mode, and every way to get them wrong. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventParserCloudEventsTest {
    private static final long TIME_MS = 1_795_809_600_000L; // 2026-11-27T20:00:00Z
    private static final String STRUCTURED = "application/cloudevents+json";

    private final EventParser parser = new EventParser();

    /** A complete binary-mode CloudEvent carrying {@code image}. */
    private static InputRecord binary(byte[] image, String contentType) {
        InputRecord r = record("key", image);
        header(r, "ce_specversion", "1.0");
        header(r, "ce_id", "frame-1");
        header(r, "ce_source", "/cameras/cam-7");
        header(r, "ce_type", "com.example.camera.frame");
        header(r, "ce_time", "2026-11-27T20:00:00Z");
        return contentType == null ? r : header(r, "content-type", contentType);
    }

    /** Sets header {@code name} to {@code value} alone. */
    private static void replace(InputRecord r, String name, String value) {
        r.headers().remove(name);
        header(r, name, value);
    }

    private static InputRecord structured(String json) {
        return header(record("key", json), "content-type", STRUCTURED);
    }

    private static String event(String extra) {
        return "{\"specversion\":\"1.0\",\"id\":\"frame-2\",\"source\":\"/cameras/cam-8\","
                + "\"type\":\"com.example.camera.frame\",\"time\":\"2026-11-27T20:00:00Z\"" + extra + "}";
    }

    private EventException refusal(InputRecord r) {
        try {
            parser.parse(r);
        } catch (EventException e) {
            return e;
        }
        throw new AssertionError("accepted " + r);
    }

    @Test
    void a_binary_mode_cloudevent_maps_id_source_and_time_onto_the_event() throws Exception {
        InputRecord r = binary(JPEG, "image/jpeg");

        ImageEvent e = parser.parse(r);

        assertThat(e.id()).isEqualTo("frame-1");
        assertThat(e.source()).isEqualTo("/cameras/cam-7");
        assertThat(e.timestampMs()).isEqualTo(TIME_MS);
        assertThat(e.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(e.encoding()).isEqualTo(ImageEvent.Encoding.CLOUDEVENT_BINARY);
        assertThat(e.image()).isSameAs(r.value());
    }

    @Test
    void a_binary_mode_cloudevent_without_time_or_content_type_takes_the_record_timestamp() throws Exception {
        InputRecord r = record("key", PNG);
        header(r, "ce_specversion", "1.0");
        header(r, "ce_id", "x");
        header(r, "ce_source", "urn:cam:1");
        header(r, "ce_type", "t");

        ImageEvent e = parser.parse(r);

        assertThat(e.timestampMs()).isEqualTo(RECORD_TS);
        assertThat(e.format()).isEqualTo(ImageFormat.PNG);
        assertThat(e.declaredFormat()).isNull();
    }

    @Test
    void vggstream_headers_do_not_override_a_cloudevents_attributes() throws Exception {
        InputRecord r = header(binary(PNG, "image/png"), EventHeaders.ID, "legacy-id");

        assertThat(parser.parse(r).id()).isEqualTo("frame-1");
    }

    @Test
    void a_structured_mode_cloudevent_reads_its_image_from_data_base64() throws Exception {
        InputRecord r = structured(event(",\"datacontenttype\":\"image/png\",\"subject\":\"lane-2\","
                + "\"dataschema\":\"https://example.com/never-fetched\",\"myextension\":{\"nested\":[1,2]},"
                + "\"data_base64\":\"" + b64(PNG) + "\""));

        ImageEvent e = parser.parse(r);

        assertThat(e.id()).isEqualTo("frame-2");
        assertThat(e.source()).isEqualTo("/cameras/cam-8");
        assertThat(e.timestampMs()).isEqualTo(TIME_MS);
        assertThat(e.image()).isEqualTo(PNG);
        assertThat(e.encoding()).isEqualTo(ImageEvent.Encoding.CLOUDEVENT_STRUCTURED);
    }

    @Test
    void structured_mode_is_chosen_by_content_type_even_with_parameters_and_capitals() throws Exception {
        InputRecord r = header(record("key", event(",\"data_base64\":\"" + b64(JPEG) + "\"")), "Content-Type",
                "Application/CloudEvents+JSON; charset=utf-8");

        assertThat(parser.parse(r).encoding()).isEqualTo(ImageEvent.Encoding.CLOUDEVENT_STRUCTURED);
    }

    @Test
    void rfc_3339_times_with_offsets_fractions_and_lowercase_letters_are_accepted() throws Exception {
        InputRecord r = binary(JPEG, null);
        replace(r, "ce_time", "2026-11-27t21:00:00.250+01:00");

        assertThat(parser.parse(r).timestampMs()).isEqualTo(TIME_MS + 250);
    }

    @ParameterizedTest(name = "without {0}")
    @CsvSource({"ce_specversion", "ce_id", "ce_source", "ce_type"})
    void a_binary_cloudevent_missing_a_required_attribute_is_refused_naming_it(String missing) {
        InputRecord r = binary(JPEG, "image/jpeg");
        r.headers().remove(missing);

        EventException e = refusal(r);

        assertThat(e.reason()).isEqualTo(Reason.CE_MISSING_ATTRIBUTE);
        assertThat(e.getMessage()).startsWith("header '" + missing + "' is missing");
    }

    @Test
    void an_empty_required_attribute_is_refused_as_missing() {
        InputRecord r = binary(JPEG, "image/jpeg");
        replace(r, "ce_type", "");

        EventException e = refusal(r);

        assertThat(e.reason()).isEqualTo(Reason.CE_MISSING_ATTRIBUTE);
        assertThat(e.getMessage()).startsWith("header 'ce_type' is empty");
    }

    @Test
    void a_specversion_other_than_1_0_is_refused() {
        InputRecord r = binary(JPEG, "image/jpeg");
        replace(r, "ce_specversion", "0.3");

        EventException e = refusal(r);

        assertThat(e.reason()).isEqualTo(Reason.CE_BAD_SPECVERSION);
        assertThat(e.getMessage()).contains("'0.3'").contains("only CloudEvents 1.0");
    }

    @Test
    void an_unparsable_time_is_a_bad_timestamp_naming_the_attribute() {
        InputRecord r = binary(JPEG, "image/jpeg");
        replace(r, "ce_time", "yesterday");

        EventException e = refusal(r);

        assertThat(e.reason()).isEqualTo(Reason.BAD_TIMESTAMP);
        assertThat(e.getMessage()).startsWith("header 'ce_time' must be an RFC 3339 timestamp").contains("'yesterday'");
    }

    @Test
    void a_time_without_a_zone_is_refused_rather_than_guessed() {
        EventException e = refusal(structured(event(",\"data_base64\":\"" + b64(PNG) + "\"")
                .replace("20:00:00Z", "20:00:00")));

        assertThat(e.reason()).isEqualTo(Reason.BAD_TIMESTAMP);
        assertThat(e.getMessage()).startsWith("attribute 'time'");
    }

    @Test
    void a_source_that_is_not_a_uri_reference_is_refused() {
        InputRecord r = binary(JPEG, "image/jpeg");
        replace(r, "ce_source", "cam 7");

        EventException e = refusal(r);

        assertThat(e.reason()).isEqualTo(Reason.CE_BAD_ATTRIBUTE);
        assertThat(e.getMessage()).startsWith("header 'ce_source' is not a URI-reference");
    }

    @Test
    void an_attribute_header_given_twice_is_refused() {
        InputRecord r = header(binary(JPEG, "image/jpeg"), "ce_id", "frame-other");

        EventException e = refusal(r);

        assertThat(e.reason()).isEqualTo(Reason.CE_BAD_ATTRIBUTE);
        assertThat(e.getMessage()).isEqualTo("header 'ce_id' appears more than once");
    }

    @Test
    void a_content_type_that_disagrees_with_the_bytes_is_refused() {
        EventException e = refusal(binary(PNG, "image/jpeg"));

        assertThat(e.reason()).isEqualTo(Reason.CE_CONTENT_TYPE_MISMATCH);
        assertThat(e.getMessage()).isEqualTo("header 'content-type' says JPEG but the data is a PNG image");
    }

    @Test
    void a_content_type_that_is_not_an_image_type_is_refused() {
        EventException e = refusal(binary(PNG, "application/octet-stream"));

        assertThat(e.reason()).isEqualTo(Reason.CE_CONTENT_TYPE_MISMATCH);
        assertThat(e.getMessage()).contains("'application/octet-stream'");
    }

    @Test
    void a_structured_datacontenttype_that_disagrees_with_the_data_is_refused() {
        EventException e = refusal(structured(event(",\"datacontenttype\":\"image/png\",\"data_base64\":\""
                + b64(JPEG) + "\"")));

        assertThat(e.reason()).isEqualTo(Reason.CE_CONTENT_TYPE_MISMATCH);
        assertThat(e.getMessage()).startsWith("attribute 'datacontenttype' says PNG");
    }

    @Test
    void a_binary_value_that_is_not_an_image_is_refused() {
        EventException e = refusal(binary(TestRecords.utf8("hello world"), null));

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE);
    }

    @Test
    void both_data_and_data_base64_is_a_conflict() {
        EventException e = refusal(structured(event(",\"data\":\"x\",\"data_base64\":\"" + b64(PNG) + "\"")));

        assertThat(e.reason()).isEqualTo(Reason.CE_DATA_CONFLICT);
    }

    @Test
    void an_image_in_data_instead_of_data_base64_is_refused_saying_where_it_belongs() {
        EventException e = refusal(structured(event(",\"data\":\"" + b64(PNG) + "\"")));

        assertThat(e.reason()).isEqualTo(Reason.CE_DATA_NOT_BASE64);
        assertThat(e.getMessage()).contains("'data_base64'");
    }

    @Test
    void a_structured_cloudevent_without_data_is_missing_data() {
        EventException e = refusal(structured(event("")));

        assertThat(e.reason()).isEqualTo(Reason.MISSING_DATA);
        assertThat(e.getMessage()).contains("'data_base64' is missing");
    }

    @Test
    void bad_base64_in_data_base64_names_that_field() {
        EventException e = refusal(structured(event(",\"data_base64\":\"iVBO:Rw0K\"")));

        assertThat(e.reason()).isEqualTo(Reason.BAD_BASE64);
        assertThat(e.getMessage()).startsWith("invalid base64 in 'data_base64' at character 4");
    }

    @Test
    void a_required_structured_attribute_of_the_wrong_json_type_is_refused() {
        EventException e = refusal(structured(event(",\"data_base64\":\"" + b64(PNG) + "\"")
                .replace("\"id\":\"frame-2\"", "\"id\":42")));

        assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(e.getMessage()).isEqualTo("field 'id' must be a string, got number");
    }

    @Test
    void a_structured_attribute_given_twice_is_refused() {
        EventException e = refusal(structured(event(",\"id\":\"again\",\"data_base64\":\"" + b64(PNG) + "\"")));

        assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_FIELD);
    }

    @Test
    void the_json_nesting_limit_holds_inside_extension_attributes() {
        String deep = "[".repeat(40) + "]".repeat(40);

        EventException e = refusal(structured(event(",\"ext\":" + deep + ",\"data_base64\":\"" + b64(PNG) + "\"")));

        assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP);
    }

    @Test
    void an_overlong_attribute_is_refused_before_it_is_read_whole() {
        EventException e = refusal(structured(event(",\"data_base64\":\"" + b64(PNG) + "\"")
                .replace("frame-2", "f".repeat(5000))));

        assertThat(e.reason()).isEqualTo(Reason.FIELD_TOO_LONG);
    }

    @Test
    void batch_mode_is_refused_as_unsupported() {
        InputRecord r = header(record("key", "[" + event(",\"data_base64\":\"" + b64(PNG) + "\"") + "]"),
                "content-type", "application/cloudevents-batch+json");

        EventException e = refusal(r);

        assertThat(e.reason()).isEqualTo(Reason.CE_UNSUPPORTED_MODE);
    }
}
