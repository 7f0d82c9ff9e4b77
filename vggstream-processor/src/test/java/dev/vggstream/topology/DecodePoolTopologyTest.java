package dev.vggstream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.batch.DecodePool;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The topology with the decode pool on: frames of one partition prepared on several threads, in any order, with
 * results and dead letters still in the partition's order. A stand-in preparation step decides, by an image's red
 * value, which frame is slow, fails or hangs.
 */
class DecodePoolTopologyTest {

    static final Instant START = Instant.parse("2026-11-27T20:00:00Z");
    static final int SLOW = 11;
    static final int BUG = 13;
    static final int HANGS = 17;
    final FakeClassifier model = new FakeClassifier(8);
    final ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, 8, 8, Preprocessing.NONE);
    final AtomicLong clockMs = new AtomicLong(START.toEpochMilli());
    /** Red values in the order their preparation finished. */
    final List<Integer> prepared = new CopyOnWriteArrayList<>();
    /** The slow frame waits until this many other frames are prepared. */
    final CountDownLatch othersPrepared = new CountDownLatch(3);
    final CountDownLatch unhang = new CountDownLatch(1);
    BatchDispatcher dispatcher;
    DecodePool pool;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> images;
    TestOutputTopic<byte[], byte[]> results;
    TestOutputTopic<byte[], byte[]> deadLetters;
    final List<TestRecord<byte[], byte[]>> resultsRead = new ArrayList<>();
    final List<TestRecord<byte[], byte[]>> deadRead = new ArrayList<>();

    void start(int threads, long timeoutMs) {
        dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline), BatchSettings.of(8, 20),
                BatchListener.NONE, clockMs::get);
        pool = DecodePool.start(dispatcher, threads, timeoutMs, this::prepare);
        ProcessorSettings settings = new ProcessorSettings(dispatcher, new EventParser(), 3, 5, OutcomeListener.NONE)
                .withDecodePool(pool);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd-pool");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(VggTopology.build(Topics.defaults(), settings, Map.of()), props, START);
        images = driver.createInputTopic("images", new ByteArraySerializer(), new ByteArraySerializer());
        results = driver.createOutputTopic("classifications", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic("images.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The real pipeline, then: the slow frame waits for the others, one throws, one hangs until the test ends. */
    private void prepare(dev.vggstream.batch.ServedModel m, byte[] image, float[] dst)
            throws dev.vggstream.image.ImageException {
        m.pipeline().prepare(image, dst, 0);
        int red = Math.round(dst[0]);
        if (red == SLOW) {
            hold(othersPrepared);
        } else if (red == BUG) {
            throw new IllegalStateException("a decoder bug");
        } else if (red == HANGS) {
            hold(unhang);
        }
        prepared.add(red);
        othersPrepared.countDown();
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void close() {
        unhang.countDown();
        if (driver != null) {
            driver.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    void send(String id, byte[] image) {
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        images.pipeInput(new TestRecord<>("cam-1".getBytes(StandardCharsets.UTF_8), image, h, START));
    }

    /** Moves wall-clock time (the punctuator drains the mailbox, the dispatcher runs due batches) until done. */
    void pumpUntil(int results, int dead) {
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
            clockMs.addAndGet(25);
            driver.advanceWallClockTime(Duration.ofMillis(25));
            resultsRead.addAll(this.results.readRecordsToList());
            deadRead.addAll(deadLetters.readRecordsToList());
            return resultsRead.size() >= results && deadRead.size() >= dead;
        });
    }

    static String id(TestRecord<byte[], byte[]> r) throws Exception {
        JsonNode j = ClassifyTopologyTest.JSON.readTree(r.value());
        return j.get("id").asText();
    }

    static String header(TestRecord<byte[], byte[]> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    KeyValueStore<Long, BufferedRecord> buffer() {
        return driver.getKeyValueStore(VggTopology.BUFFER_STORE);
    }

    @Test
    void resultsKeepThePartitionsOrderWhenLaterFramesArePreparedFirst() throws Exception {
        start(4, 60_000);
        send("f-0", TestImages.png(SLOW));
        send("f-1", TestImages.png(20));
        send("f-2", TestImages.png(30));
        send("f-3", TestImages.png(40));
        assertThat(buffer().approximateNumEntries()).as("in the changelogged buffer before being prepared")
                .isEqualTo(4);
        pumpUntil(4, 0);
        assertThat(prepared).as("the first frame was prepared last").endsWith(SLOW).hasSize(4);
        assertThat(resultsRead).extracting(DecodePoolTopologyTest::id).containsExactly("f-0", "f-1", "f-2", "f-3");
        assertThat(resultsRead).extracting(r -> ClassifyTopologyTest.JSON.readTree(r.value()).get("top").get(0)
                .get("probability").asDouble()).containsExactly((double) SLOW, 20.0, 30.0, 40.0);
        assertThat(deadRead).isEmpty();
        assertThat(buffer().approximateNumEntries()).isZero();
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void aFrameThatFailsOneThatHitsABugAndOneThatHangsAreDeadLetteredAloneInOrderWithTheirReasons()
            throws Exception {
        start(2, 300);
        byte[] good = TestImages.png(50);
        send("ok-0", TestImages.png(10));
        send("truncated-1", Arrays.copyOf(good, good.length - 20));
        send("bug-2", TestImages.png(BUG));
        send("hangs-3", TestImages.png(HANGS));
        send("ok-4", TestImages.png(40));
        pumpUntil(2, 3);
        assertThat(resultsRead).extracting(DecodePoolTopologyTest::id).containsExactly("ok-0", "ok-4");
        assertThat(deadRead).extracting(r -> header(r, EventHeaders.SOURCE_OFFSET)).containsExactly("1", "2", "3");
        assertThat(deadRead).extracting(r -> header(r, EventHeaders.ERROR_REASON))
                .containsExactly("TRUNCATED", "UNEXPECTED", "TIMEOUT");
        assertThat(deadRead).extracting(r -> header(r, EventHeaders.ERROR_STAGE))
                .containsExactly("decode", "decode", "decode");
        assertThat(deadRead.get(2).value()).as("the dead letter carries the record as it came")
                .isEqualTo(TestImages.png(HANGS));
        assertThat(buffer().approximateNumEntries()).isZero();
        assertThat(dispatcher.inFlight()).as("failed and timed-out frames gave their room back").isZero();
        assertThat(pool.abandonedThreads()).isEqualTo(1);
    }
}
