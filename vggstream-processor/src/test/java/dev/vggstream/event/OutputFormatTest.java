package dev.vggstream.event;

import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import static dev.vggstream.event.TestRecords.header;
import static dev.vggstream.event.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OutputFormatTest {

    private static final OutputFormat CE = new OutputFormat(OutputFormat.Kind.CLOUDEVENTS, "/vggstream/x");
    private static final EventException WHY = new EventException(EventException.Reason.CE_DATA_CONFLICT, "both");

    @Test
    void a_dead_structured_cloudevent_is_relabelled_so_the_dead_letter_stays_in_binary_mode() {
        InputRecord in = header(record("k", "{}"), "content-type", "application/cloudevents+json");

        Headers h = CE.deadLetter(in, DeadLetter.headers(in, Stage.DECODE, WHY));

        assertThat(EventHeaders.text(h, "content-type")).isEqualTo("application/json");
        assertThat(EventHeaders.text(h, OutputFormat.ORIGINAL_PREFIX + "content-type"))
                .isEqualTo("application/cloudevents+json");
        assertThat(h.headers("content-type")).hasSize(1);
        assertThat(EventHeaders.text(h, OutputFormat.CE_REASON)).isEqualTo("CE_DATA_CONFLICT");
        assertThat(EventHeaders.text(h, EventHeaders.ERROR_REASON)).as("the plain headers stay").isEqualTo("CE_DATA_CONFLICT");
    }

    @Test
    void a_dead_letter_without_a_content_type_gets_none() {
        InputRecord in = record("k", "garbage");

        Headers h = CE.deadLetter(in, DeadLetter.headers(in, Stage.DECODE, WHY));

        assertThat(h.lastHeader("content-type")).isNull();
        assertThat(EventHeaders.text(h, "ce_type")).isEqualTo(OutputFormat.DEAD_LETTER_TYPE);
    }

    @Test
    void plain_output_leaves_dead_letter_headers_as_they_are_and_labels_results_json_only() {
        InputRecord in = header(record("k", "x"), "ce_id", "original");
        Headers dead = DeadLetter.headers(in, Stage.DECODE, WHY);

        assertThat(OutputFormat.PLAIN.deadLetter(in, dead)).isSameAs(dead);
        Headers result = OutputFormat.PLAIN.result(in, "id", 0);
        assertThat(result.toArray()).hasSize(1);
        assertThat(EventHeaders.text(result, "content-type")).isEqualTo("application/json");
    }

    @Test
    void cloudevents_output_needs_a_source_and_the_format_parses_as_configured() {
        assertThatThrownBy(() -> new OutputFormat(OutputFormat.Kind.CLOUDEVENTS, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(OutputFormat.Kind.parse("CloudEvents")).isEqualTo(OutputFormat.Kind.CLOUDEVENTS);
        assertThat(OutputFormat.defaultSource("app-1")).isEqualTo("/vggstream/app-1");
    }
}
