package dev.vggstream.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.image.ImageFormat;
import dev.vggstream.inference.Prediction;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static dev.vggstream.event.TestRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ClassificationCodecTest {
    private static final ObjectMapper TREE = new ObjectMapper();

    private static Classification sample(String source) {
        return new Classification("evt-1", source, "2026-11-27T20:00:00.000Z", new Classification.Model("vgg16", "3"),
                List.of(new Prediction(281, "tabby", 0.75), new Prediction(285, "Egyptian cat", 0.125)), 8,
                new Classification.LatencyMs(1.25, 40.5, 42.0),
                new Classification.InputPosition("images", 3, 12_345L));
    }

    @Test
    void a_classification_survives_a_json_round_trip_unchanged() {
        Classification c = sample("cam-7");

        assertThat(ClassificationCodec.fromJson(ClassificationCodec.toJson(c))).isEqualTo(c);
    }

    @Test
    void the_json_uses_exactly_the_documented_field_names() throws Exception {
        JsonNode json = TREE.readTree(ClassificationCodec.toJson(sample("cam-7")));

        assertThat(names(json)).containsExactly("id", "source", "timestamp", "model", "top", "batchSize", "latencyMs",
                "input");
        assertThat(names(json.get("model"))).containsExactly("name", "version");
        assertThat(names(json.get("top").get(0))).containsExactly("index", "label", "probability");
        assertThat(names(json.get("latencyMs"))).containsExactly("queue", "inference", "total");
        assertThat(names(json.get("input"))).containsExactly("topic", "partition", "offset");
        assertThat(json.get("id").asText()).isEqualTo("evt-1");
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-27T20:00:00.000Z");
        assertThat(json.get("model").get("name").asText()).isEqualTo("vgg16");
        assertThat(json.get("model").get("version").asText()).isEqualTo("3");
        assertThat(json.get("top").get(1).get("index").asInt()).isEqualTo(285);
        assertThat(json.get("top").get(1).get("label").asText()).isEqualTo("Egyptian cat");
        assertThat(json.get("top").get(1).get("probability").asDouble()).isEqualTo(0.125);
        assertThat(json.get("batchSize").asInt()).isEqualTo(8);
        assertThat(json.get("latencyMs").get("queue").asDouble()).isEqualTo(1.25);
        assertThat(json.get("latencyMs").get("inference").asDouble()).isEqualTo(40.5);
        assertThat(json.get("latencyMs").get("total").asDouble()).isEqualTo(42.0);
        assertThat(json.get("input").get("offset").asLong()).isEqualTo(12_345L);
    }

    @Test
    void a_missing_source_is_written_as_json_null() throws Exception {
        JsonNode json = TREE.readTree(ClassificationCodec.toJson(sample(null)));

        assertThat(json.has("source")).isTrue();
        assertThat(json.get("source").isNull()).isTrue();
        assertThat(ClassificationCodec.fromJson(ClassificationCodec.toJson(sample(null))).source()).isNull();
    }

    @Test
    void a_float_probability_is_written_without_the_noise_digits_of_its_double_widening() {
        float p = 0.8123f;
        Classification c = new Classification("e", null, "t", null, List.of(new Prediction(1, "x", p)), 1, null, null);

        String json = new String(ClassificationCodec.toJson(c));

        assertThat(json).contains("\"probability\":0.8123}");
        assertThat((float) ClassificationCodec.fromJson(json.getBytes()).top().get(0).probability()).isEqualTo(p);
    }

    @Test
    void classification_of_an_event_carries_its_id_source_and_iso_timestamp() {
        ImageEvent e = new ImageEvent("evt-3", "cam-1", 1_795_809_600_007L, ImageFormat.PNG, new byte[1],
                ImageEvent.Encoding.RAW);

        Classification c = Classification.of(e, new Classification.Model("vgg19", "1"), List.of(), 1,
                Classification.LatencyMs.ofNanos(0, 0, 0), new Classification.InputPosition("images", 0, 9));

        assertThat(c.id()).isEqualTo("evt-3");
        assertThat(c.source()).isEqualTo("cam-1");
        assertThat(c.timestamp()).isEqualTo("2026-11-27T20:00:00.007Z");
    }

    @Test
    void iso_timestamps_always_have_three_fraction_digits_so_they_sort_as_text() {
        assertThat(Classification.isoTimestamp(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(Classification.isoTimestamp(1_795_809_600_000L)).isEqualTo("2026-11-27T20:00:00.000Z");
        assertThat(Classification.isoTimestamp(1_795_809_600_120L)).isEqualTo("2026-11-27T20:00:00.120Z");
    }

    @Test
    void latencies_are_milliseconds_rounded_to_the_microsecond() {
        Classification.LatencyMs l = Classification.LatencyMs.ofNanos(1_234_567, 250_000, 98_765_432_100L);

        assertThat(l.queue()).isEqualTo(1.235);
        assertThat(l.inference()).isEqualTo(0.25);
        assertThat(l.total()).isEqualTo(98_765.432);
    }

    @Test
    void unknown_fields_from_a_newer_writer_are_ignored_when_reading() {
        String json = "{\"id\": \"e\", \"top\": [], \"batchSize\": 2, \"someday\": {\"x\": [1]}}";

        Classification c = ClassificationCodec.fromJson(utf8(json));

        assertThat(c.id()).isEqualTo("e");
        assertThat(c.batchSize()).isEqualTo(2);
    }

    @Test
    void json_that_is_not_a_classification_is_an_illegal_argument() {
        assertThatThrownBy(() -> ClassificationCodec.fromJson(utf8("[1, 2]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a classification");
    }

    @Test
    void the_serde_round_trips_and_maps_null_to_null() {
        Serde<Classification> serde = ClassificationCodec.serde();
        Classification c = sample("cam-7");

        byte[] bytes = serde.serializer().serialize("classifications", c);

        assertThat(serde.deserializer().deserialize("classifications", bytes)).isEqualTo(c);
        assertThat(serde.serializer().serialize("classifications", null)).isNull();
        assertThat(serde.deserializer().deserialize("classifications", null)).isNull();
    }

    @Test
    void the_serde_reports_unreadable_bytes_as_a_kafka_serialization_exception() {
        Serde<Classification> serde = ClassificationCodec.serde();

        assertThatThrownBy(() -> serde.deserializer().deserialize("classifications", utf8("{oops")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("classifications");
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
