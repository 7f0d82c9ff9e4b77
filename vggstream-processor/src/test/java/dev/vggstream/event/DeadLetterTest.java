package dev.vggstream.event;

import dev.vggstream.image.ImageException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static dev.vggstream.event.TestRecords.JPEG;
import static dev.vggstream.event.TestRecords.header;
import static dev.vggstream.event.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DeadLetterTest {

    private static InputRecord failed() {
        InputRecord r = record("cam-7", JPEG);
        header(r, "traceparent", "00-abc-def-01");
        header(r, EventHeaders.ID, "evt-1");
        return r;
    }

    @Test
    void dead_letter_headers_keep_the_originals_first_and_add_why_and_where() {
        InputRecord r = failed();
        EventException error = new EventException(EventException.Reason.BAD_BASE64,
                "invalid base64 in 'data' at character 4 (':')");

        Headers h = DeadLetter.headers(r, Stage.DECODE, error);

        assertThat(keys(h)).containsExactly("traceparent", EventHeaders.ID, EventHeaders.ERROR_CLASS,
                EventHeaders.ERROR_REASON, EventHeaders.ERROR_MESSAGE, EventHeaders.ERROR_STAGE,
                EventHeaders.SOURCE_TOPIC, EventHeaders.SOURCE_PARTITION, EventHeaders.SOURCE_OFFSET);
        assertThat(text(h, "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(text(h, EventHeaders.ID)).isEqualTo("evt-1");
        assertThat(text(h, "vggstream.error.class")).isEqualTo("EventException");
        assertThat(text(h, "vggstream.error.reason")).isEqualTo("BAD_BASE64");
        assertThat(text(h, "vggstream.error.message")).isEqualTo("invalid base64 in 'data' at character 4 (':')");
        assertThat(text(h, "vggstream.error.stage")).isEqualTo("decode");
        assertThat(text(h, "vggstream.source.topic")).isEqualTo("images");
        assertThat(text(h, "vggstream.source.partition")).isEqualTo("3");
        assertThat(text(h, "vggstream.source.offset")).isEqualTo("12345");
    }

    @Test
    void the_input_records_headers_are_copied_not_mutated() {
        InputRecord r = failed();
        Header[] before = r.headers().toArray();

        Headers h = DeadLetter.headers(r, Stage.INFERENCE, new IllegalStateException("boom"));
        r.headers().lastHeader("traceparent").value()[0] = 'X';

        assertThat(r.headers().toArray()).containsExactly(before);
        assertThat(h).isNotSameAs(r.headers());
        assertThat(text(h, "traceparent")).isEqualTo("00-abc-def-01");
    }

    @Test
    void an_image_exception_gives_its_own_class_and_reason() {
        Headers h = DeadLetter.headers(failed(), Stage.PREPROCESS,
                new ImageException(ImageException.Reason.TRUNCATED, "JPEG ends early"));

        assertThat(text(h, EventHeaders.ERROR_CLASS)).isEqualTo("ImageException");
        assertThat(text(h, EventHeaders.ERROR_REASON)).isEqualTo("TRUNCATED");
        assertThat(text(h, EventHeaders.ERROR_STAGE)).isEqualTo("preprocess");
    }

    @Test
    void an_exception_without_a_reason_is_unexpected_and_a_null_message_is_empty() {
        Headers h = DeadLetter.headers(failed(), Stage.INFERENCE, new NullPointerException());

        assertThat(text(h, EventHeaders.ERROR_CLASS)).isEqualTo("NullPointerException");
        assertThat(text(h, EventHeaders.ERROR_REASON)).isEqualTo("UNEXPECTED");
        assertThat(text(h, EventHeaders.ERROR_MESSAGE)).isEmpty();
    }

    @Test
    void a_long_message_is_cut_to_the_byte_limit_between_characters() {
        String message = "é".repeat(700) + "🙂".repeat(100); // 1400 + 400 bytes

        Headers h = DeadLetter.headers(failed(), Stage.DECODE, "X", "Y", message);
        byte[] value = h.lastHeader(EventHeaders.ERROR_MESSAGE).value();
        String text = new String(value, StandardCharsets.UTF_8);

        assertThat(value.length).isLessThanOrEqualTo(DeadLetter.MAX_MESSAGE_BYTES);
        assertThat(text).endsWith("...").doesNotContain("\uFFFD");
        assertThat(message).startsWith(text.substring(0, text.length() - 3));
        assertThat(value.length).isGreaterThan(DeadLetter.MAX_MESSAGE_BYTES - 6);
    }

    @Test
    void a_replayed_dead_letter_carries_only_the_latest_error() {
        InputRecord r = failed();
        Headers first = DeadLetter.headers(r, Stage.DECODE, new RuntimeException("first"));
        InputRecord replayed = new InputRecord("images-retry", 0, 7, r.timestamp(), r.key(), r.value(), first);

        Headers second = DeadLetter.headers(replayed, Stage.INFERENCE, new RuntimeException("second"));

        assertThat(values(second, EventHeaders.ERROR_MESSAGE)).containsExactly("second");
        assertThat(values(second, EventHeaders.SOURCE_TOPIC)).containsExactly("images-retry");
        assertThat(values(second, "traceparent")).containsExactly("00-abc-def-01");
    }

    @Test
    void stages_have_lowercase_ids_that_read_back() {
        assertThat(Arrays.stream(Stage.values()).map(Stage::id)).containsExactly("decode", "preprocess", "inference");
        assertThat(Stage.ofId("Inference")).isEqualTo(Stage.INFERENCE);
        assertThatThrownBy(() -> Stage.ofId("train")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> keys(Headers h) {
        return Arrays.stream(h.toArray()).map(Header::key).toList();
    }

    private static List<String> values(Headers h, String key) {
        return java.util.stream.StreamSupport.stream(h.headers(key).spliterator(), false)
                .map(x -> new String(x.value(), StandardCharsets.UTF_8)).toList();
    }

    private static String text(Headers h, String key) {
        return EventHeaders.text(h, key);
    }
}
