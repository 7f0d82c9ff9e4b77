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
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The topology with wall-clock punctuation driven by the test, and a stand-in model that says which image it saw. */
class ClassifyTopologyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final FakeClassifier model = new FakeClassifier(8);
    final ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, 8, 8, Preprocessing.NONE);
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> images;
    TestOutputTopic<byte[], byte[]> results;
    TestOutputTopic<byte[], byte[]> deadLetters;
    BatchDispatcher dispatcher;

    void start(int maxSize, long maxWaitMs) {
        dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline), BatchSettings.of(maxSize, maxWaitMs),
                BatchListener.NONE, System::currentTimeMillis);
        ProcessorSettings settings = new ProcessorSettings(dispatcher, new EventParser(), 3, 5, OutcomeListener.NONE);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(VggTopology.build(Topics.defaults(), settings, Map.of()), props,
                Instant.parse("2026-11-27T20:00:00Z"));
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

    void sendRaw(String id, int red) {
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        h.add(EventHeaders.SOURCE, "cam-1".getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>("cam-1".getBytes(StandardCharsets.UTF_8), TestImages.png(red), h,
                Instant.parse("2026-11-27T19:59:00Z")));
    }

    void sendJson(String id, int red) {
        String body = "{\"id\":\"" + id + "\",\"source\":\"cam-2\",\"timestamp\":\"2026-11-27T20:00:00Z\","
                + "\"contentType\":\"image/png\",\"data\":\"" + Base64.getEncoder().encodeToString(TestImages.png(red))
                + "\"}";
        images.pipeInput(new TestRecord<>("cam-2".getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Instant.parse("2026-11-27T19:59:30Z")));
    }

    static JsonNode json(TestRecord<byte[], byte[]> r) throws Exception {
        return JSON.readTree(r.value());
    }

    KeyValueStore<Long, BufferedRecord> buffer() {
        return driver.getKeyValueStore(VggTopology.BUFFER_STORE);
    }

    @Test
    void aFullBatchIsClassifiedAtOnceAndEveryImageGetsItsOwnResultInOrder() throws Exception {
        start(4, 60_000);
        for (int i = 0; i < 4; i++) {
            sendRaw("img-" + i, 10 * (i + 1));
        }
        assertThat(model.batchSizes()).containsExactly(4);
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        assertThat(out).hasSize(4);
        for (int i = 0; i < 4; i++) {
            JsonNode r = json(out.get(i));
            assertThat(r.get("id").asText()).isEqualTo("img-" + i);
            assertThat(r.get("batchSize").asInt()).isEqualTo(4);
            assertThat(r.get("top").get(0).get("probability").asDouble()).isEqualTo(10.0 * (i + 1));
            assertThat(new String(out.get(i).key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
            assertThat(out.get(i).timestamp()).isEqualTo(Instant.parse("2026-11-27T19:59:00Z").toEpochMilli());
        }
        assertThat(buffer().approximateNumEntries()).isZero();
    }

    @Test
    void aPartialBatchWaitsInTheBufferUntilMaxWaitThenIsClassified() throws Exception {
        start(8, 100);
        sendRaw("a", 5);
        sendJson("b", 6);
        assertThat(results.isEmpty()).isTrue();
        assertThat(buffer().approximateNumEntries()).as("waiting images are in the changelogged store").isEqualTo(2);
        driver.advanceWallClockTime(Duration.ofMillis(50));
        assertThat(results.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(60));
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        assertThat(out).extracting(r -> json(r).get("id").asText()).containsExactly("a", "b");
        assertThat(json(out.get(0)).get("batchSize").asInt()).isEqualTo(2);
        assertThat(json(out.get(0)).get("latencyMs").get("queue").asDouble()).isGreaterThanOrEqualTo(100);
        assertThat(buffer().approximateNumEntries()).isZero();
    }

    @Test
    void jsonAndRawEventsCarryTheirIdSourceAndTimestamp() throws Exception {
        start(2, 60_000);
        sendJson("json-1", 30);
        sendRaw("raw-1", 40);
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        JsonNode j = json(out.get(0));
        assertThat(j.get("id").asText()).isEqualTo("json-1");
        assertThat(j.get("source").asText()).isEqualTo("cam-2");
        assertThat(j.get("timestamp").asText()).isEqualTo("2026-11-27T20:00:00.000Z");
        assertThat(j.get("model").get("name").asText()).isEqualTo("fake");
        assertThat(j.get("top")).hasSize(2);
        assertThat(j.get("top").get(0).get("label").asText()).isEqualTo("first");
        JsonNode r = json(out.get(1));
        assertThat(r.get("id").asText()).isEqualTo("raw-1");
        assertThat(r.get("timestamp").asText()).isEqualTo("2026-11-27T19:59:00.000Z");
        assertThat(r.get("input").get("topic").asText()).isEqualTo("images");
        assertThat(r.get("input").get("offset").asLong()).isEqualTo(1);
    }

    @Test
    void anUndecodableRecordIsDeadLetteredWithItsReasonStageAndOrigin() {
        start(4, 60_000);
        RecordHeaders h = new RecordHeaders();
        h.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        byte[] garbage = "definitely not an image".getBytes(StandardCharsets.UTF_8);
        images.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), garbage, h, Instant.EPOCH));
        TestRecord<byte[], byte[]> dl = deadLetters.readRecord();
        assertThat(dl.value()).isEqualTo(garbage);
        assertThat(dl.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(header(dl, "trace")).isEqualTo("abc");
        assertThat(header(dl, EventHeaders.ERROR_STAGE)).isEqualTo("decode");
        assertThat(header(dl, EventHeaders.ERROR_REASON)).isEqualTo("NOT_JSON_OR_IMAGE");
        assertThat(header(dl, EventHeaders.ERROR_CLASS)).isEqualTo("EventException");
        assertThat(header(dl, EventHeaders.ERROR_MESSAGE)).isNotBlank();
        assertThat(header(dl, EventHeaders.SOURCE_TOPIC)).isEqualTo("images");
        assertThat(header(dl, EventHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dl, EventHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(results.isEmpty()).isTrue();
        assertThat(buffer().approximateNumEntries()).isZero();
    }

    @Test
    void aPoisonImageInTheMiddleOfABatchIsDeadLetteredAloneAndTheOthersKeepTheirOrder() throws Exception {
        start(5, 60_000);
        model.poison(13f);
        sendRaw("ok-0", 10);
        sendRaw("ok-1", 20);
        sendRaw("poison", 13);
        sendRaw("ok-3", 30);
        sendRaw("ok-4", 40);
        assertThat(model.batchSizes()).as("the batch, then each image alone").containsExactly(5, 1, 1, 1, 1, 1);
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        assertThat(out).extracting(r -> json(r).get("id").asText()).containsExactly("ok-0", "ok-1", "ok-3", "ok-4");
        assertThat(out).extracting(r -> json(r).get("top").get(0).get("probability").asDouble())
                .containsExactly(10.0, 20.0, 30.0, 40.0);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), EventHeaders.ERROR_STAGE)).isEqualTo("inference");
        assertThat(header(dead.get(0), EventHeaders.ERROR_MESSAGE)).contains("poison");
        assertThat(header(dead.get(0), EventHeaders.SOURCE_OFFSET)).isEqualTo("2");
        assertThat(buffer().approximateNumEntries()).isZero();
    }

    @Test
    void resultsOfLaterBatchesNeverOvertakeEarlierOnesOfTheSamePartition() throws Exception {
        start(3, 100);
        for (int i = 0; i < 10; i++) {
            sendRaw("img-" + i, i + 1);
            driver.advanceWallClockTime(Duration.ofMillis(30));
        }
        driver.advanceWallClockTime(Duration.ofMillis(200));
        List<TestRecord<byte[], byte[]>> out = results.readRecordsToList();
        assertThat(out).extracting(r -> json(r).get("id").asText())
                .containsExactly("img-0", "img-1", "img-2", "img-3", "img-4", "img-5", "img-6", "img-7", "img-8",
                        "img-9");
    }

    static String header(TestRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
