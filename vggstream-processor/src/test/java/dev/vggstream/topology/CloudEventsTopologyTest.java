package dev.vggstream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.batch.FakeClassifier;
import dev.vggstream.batch.ModelSource;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.event.EventParser;
import dev.vggstream.event.OutputFormat;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** CloudEvents in and out through the topology: binary and structured input, results and dead letters as events. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CloudEventsTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FRAME_TIME = Instant.parse("2026-11-27T20:00:00Z");
    private static final Instant RECORD_TIME = Instant.parse("2026-11-27T20:00:05Z");

    private final FakeClassifier model = new FakeClassifier(8);
    private final ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, 8, 8, Preprocessing.NONE);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<byte[], byte[]> results;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private BatchDispatcher dispatcher;

    private void start(OutputFormat format) {
        dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline), BatchSettings.of(1, 0),
                BatchListener.NONE, System::currentTimeMillis);
        ProcessorSettings settings = new ProcessorSettings(dispatcher, new EventParser(), 3, 5, OutcomeListener.NONE)
                .withOutput(format);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(VggTopology.build(Topics.defaults(), settings, Map.of()), props, FRAME_TIME);
        images = driver.createInputTopic("images", new ByteArraySerializer(), new ByteArraySerializer());
        results = driver.createOutputTopic("classifications", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic("images.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private static void add(Headers h, String key, String value) {
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Headers h, String key) {
        return EventHeaders.text(h, key);
    }

    private void sendBinary(String id, byte[] image, String contentType) {
        RecordHeaders h = new RecordHeaders();
        add(h, "ce_specversion", "1.0");
        add(h, "ce_id", id);
        add(h, "ce_source", "/cameras/cam-7");
        add(h, "ce_type", "com.example.camera.frame");
        add(h, "ce_time", FRAME_TIME.toString());
        add(h, "content-type", contentType);
        images.pipeInput(new TestRecord<>("cam-7".getBytes(StandardCharsets.UTF_8), image, h, RECORD_TIME));
    }

    private void sendStructured(String json) {
        RecordHeaders h = new RecordHeaders();
        add(h, "content-type", "application/cloudevents+json");
        images.pipeInput(new TestRecord<>(null, json.getBytes(StandardCharsets.UTF_8), h, RECORD_TIME));
    }

    @Test
    void a_binary_cloudevent_becomes_a_result_with_its_id_source_and_time() throws Exception {
        start(OutputFormat.PLAIN);

        sendBinary("frame-1", TestImages.png(40), "image/png");

        TestRecord<byte[], byte[]> out = results.readRecord();
        JsonNode r = JSON.readTree(out.value());
        assertThat(r.get("id").asText()).isEqualTo("frame-1");
        assertThat(r.get("source").asText()).isEqualTo("/cameras/cam-7");
        assertThat(r.get("timestamp").asText()).isEqualTo("2026-11-27T20:00:00.000Z");
        assertThat(text(out.headers(), "content-type")).isEqualTo("application/json");
        assertThat(out.headers().lastHeader("ce_type")).as("plain output adds no CloudEvents headers").isNull();
    }

    @Test
    void with_output_format_cloudevents_a_result_is_a_binary_mode_cloudevent_about_the_input() throws Exception {
        start(new OutputFormat(OutputFormat.Kind.CLOUDEVENTS, "/vggstream/test"));
        String b64 = Base64.getEncoder().encodeToString(TestImages.png(90));

        sendStructured("{\"specversion\":\"1.0\",\"id\":\"frame-2\",\"source\":\"/cameras/cam-8\",\"type\":\"t\","
                + "\"time\":\"2026-11-27T20:00:00Z\",\"data_base64\":\"" + b64 + "\"}");

        TestRecord<byte[], byte[]> out = results.readRecord();
        Headers h = out.headers();
        assertThat(text(h, "ce_specversion")).isEqualTo("1.0");
        assertThat(text(h, "ce_type")).isEqualTo(OutputFormat.RESULT_TYPE);
        assertThat(text(h, "ce_source")).isEqualTo("/vggstream/test");
        assertThat(text(h, "ce_subject")).isEqualTo("frame-2");
        assertThat(text(h, "ce_id")).isEqualTo("images-0-0");
        assertThat(text(h, "ce_time")).isEqualTo("2026-11-27T20:00:00.000Z");
        assertThat(text(h, "content-type")).isEqualTo("application/json");
        assertThat(JSON.readTree(out.value()).get("top").get(0).get("probability").asDouble()).isEqualTo(90.0);
    }

    @Test
    void a_cloudevent_whose_content_type_disagrees_with_its_bytes_is_dead_lettered_alone_with_the_reason() {
        start(OutputFormat.PLAIN);

        sendBinary("good-1", TestImages.png(10), "image/png");
        sendBinary("bad", TestImages.png(20), "image/jpeg");
        sendBinary("good-2", TestImages.png(30), "image/png");

        assertThat(results.readRecordsToList()).hasSize(2);
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(text(dead.headers(), EventHeaders.ERROR_REASON)).isEqualTo("CE_CONTENT_TYPE_MISMATCH");
        assertThat(text(dead.headers(), "ce_id")).as("the original record, replayable as it was").isEqualTo("bad");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void with_output_format_cloudevents_a_dead_letter_is_a_cloudevent_carrying_the_reason_and_the_original() {
        start(new OutputFormat(OutputFormat.Kind.CLOUDEVENTS, "/vggstream/test"));

        sendBinary("bad", TestImages.png(20), "image/jpeg");

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        Headers h = dead.headers();
        assertThat(text(h, "ce_type")).isEqualTo(OutputFormat.DEAD_LETTER_TYPE);
        assertThat(text(h, "ce_id")).isEqualTo("images-0-0");
        assertThat(text(h, "ce_subject")).isEqualTo("images-0-0");
        assertThat(text(h, "ce_source")).isEqualTo("/vggstream/test");
        assertThat(text(h, OutputFormat.CE_REASON)).isEqualTo("CE_CONTENT_TYPE_MISMATCH");
        assertThat(text(h, OutputFormat.CE_STAGE)).isEqualTo("decode");
        assertThat(text(h, OutputFormat.CE_MESSAGE)).contains("says JPEG but the data is a PNG");
        assertThat(text(h, OutputFormat.ORIGINAL_PREFIX + "ce_id")).isEqualTo("bad");
        assertThat(text(h, OutputFormat.ORIGINAL_PREFIX + "content-type")).isEqualTo("image/jpeg");
        assertThat(text(h, "content-type")).isEqualTo("image/jpeg");
        assertThat(h.headers("ce_id")).as("one id: the dead letter's own").hasSize(1);
        assertThat(dead.value()).isEqualTo(TestImages.png(20));
    }
}
