package dev.vggstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.batch.DecodePool;
import dev.vggstream.batch.FakeClassifier;
import dev.vggstream.batch.ModelSource;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.event.InputRecord;
import dev.vggstream.event.EventParser;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A task that starts with records in its buffer (a crash or rebalance happened): what it does with each kind. */
class ClassifyProcessorRestoreTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "images";
    final FakeClassifier model = new FakeClassifier(8);
    final ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, 8, 8, Preprocessing.NONE);
    final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    final KeyValueStore<Long, BufferedRecord> buffer = VggTopology.bufferStore(Map.of()).withLoggingDisabled().build();
    /** What the input topic still holds, by offset of partition 0. */
    final Map<Long, InputRecord> topic = new HashMap<>();
    final List<SortedSet<Long>> reads = new ArrayList<>();
    final BatchDispatcher dispatcher = BatchDispatcher.inline(ModelSource.of(model, pipeline),
            BatchSettings.of(8, 60_000), BatchListener.NONE, System::currentTimeMillis);

    ClassifyProcessorRestoreTest() {
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        buffer.init(context.getStateStoreContext(), buffer);
        context.addStateStore(buffer);
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    ClassifyProcessor start(BufferMode mode, SourceReader reader) {
        ClassifyProcessor p = new ClassifyProcessor(new ProcessorSettings(dispatcher, new EventParser(), 3, 5,
                OutcomeListener.NONE, mode, reader, null, null));
        p.init(context);
        return p;
    }

    SourceReader topicReader() {
        return (t, partition, offsets) -> {
            assertThat(t).isEqualTo(TOPIC);
            assertThat(partition).isZero();
            reads.add(offsets);
            Map<Long, InputRecord> out = new HashMap<>();
            offsets.forEach(o -> {
                if (topic.containsKey(o)) {
                    out.put(o, topic.get(o));
                }
            });
            return out;
        };
    }

    static InputRecord image(long offset, String id, int red) {
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        h.add(EventHeaders.SOURCE, "cam-1".getBytes(StandardCharsets.UTF_8));
        return new InputRecord(TOPIC, 0, offset, 1_000 + offset, "cam-1".getBytes(StandardCharsets.UTF_8),
                TestImages.png(red), h);
    }

    void bufferReference(long seq, long offset) {
        buffer.put(seq, BufferedRecord.reference(TOPIC, 0, offset, 1_000 + offset, 5));
    }

    /** Runs the wall-clock punctuator: the batch times out and is classified, outcomes are forwarded. */
    void punctuate() {
        long later = System.currentTimeMillis() + 120_000;
        context.setCurrentSystemTimeMs(later);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(later);
    }

    List<String> forwardedIds(String sink) throws Exception {
        List<String> ids = new ArrayList<>();
        for (var f : context.forwarded()) {
            if (f.childName().orElseThrow().equals(sink)) {
                ids.add(sink.equals(VggTopology.OUTPUT_SINK)
                        ? JSON.readTree(f.record().value()).get("id").asText()
                        : new String(f.record().headers().lastHeader(EventHeaders.SOURCE_OFFSET).value(),
                        StandardCharsets.UTF_8));
            }
        }
        return ids;
    }

    @Test
    void referencesAreReadBackFromTheInputTopicInOneReadAndClassifiedInTheirOrder() throws Exception {
        topic.put(7L, image(7, "a", 10));
        topic.put(9L, image(9, "b", 20));
        bufferReference(3, 7);
        bufferReference(4, 9);
        start(BufferMode.REFERENCE, topicReader());
        punctuate();
        assertThat(reads).as("one read for the partition, of exactly the buffered offsets").hasSize(1);
        assertThat(reads.get(0)).containsExactly(7L, 9L);
        assertThat(forwardedIds(VggTopology.OUTPUT_SINK)).containsExactly("a", "b");
        assertThat(model.batchSizes()).containsExactly(2);
        assertThat(buffer.approximateNumEntries()).as("answered records leave the buffer").isZero();
    }

    @Test
    void aReferenceWhoseRecordLeftTheTopicIsDeadLetteredAsSourceGoneAndTheOthersAreClassified() throws Exception {
        topic.put(9L, image(9, "b", 20));
        bufferReference(3, 7);
        bufferReference(4, 9);
        start(BufferMode.REFERENCE, topicReader());
        punctuate();
        assertThat(forwardedIds(VggTopology.OUTPUT_SINK)).containsExactly("b");
        assertThat(forwardedIds(VggTopology.DEAD_LETTER_SINK)).containsExactly("7");
        var dead = context.forwarded().stream()
                .filter(f -> f.childName().orElseThrow().equals(VggTopology.DEAD_LETTER_SINK)).findFirst()
                .orElseThrow().record();
        assertThat(new String(dead.headers().lastHeader(EventHeaders.ERROR_REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("SOURCE_GONE");
        assertThat(new String(dead.headers().lastHeader(EventHeaders.ERROR_MESSAGE).value(), StandardCharsets.UTF_8))
                .contains("images-0@7", "retention");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    @Test
    void copiesAreClassifiedFromTheBufferWithoutReadingTheTopic() throws Exception {
        InputRecord a = image(7, "a", 10);
        buffer.put(3L, BufferedRecord.copy(TOPIC, 0, 7, a.timestamp(), a.key(), a.value(), a.headers(), 5));
        start(BufferMode.COPY, SourceReader.NONE);
        punctuate();
        assertThat(forwardedIds(VggTopology.OUTPUT_SINK)).containsExactly("a");
    }

    ClassifyProcessor startWithPool(DecodePool pool) {
        ClassifyProcessor p = new ClassifyProcessor(new ProcessorSettings(dispatcher, new EventParser(), 3, 5,
                OutcomeListener.NONE, BufferMode.COPY, SourceReader.NONE, null, pool));
        p.init(context);
        return p;
    }

    void bufferCopy(long seq, InputRecord r) {
        buffer.put(seq, BufferedRecord.copy(TOPIC, 0, r.offset(), r.timestamp(), r.key(), r.value(), r.headers(), 5));
    }

    @Test
    void bufferedRecordsAreResubmittedThroughTheDecodePoolAndAnsweredInTheirOrder() throws Exception {
        bufferCopy(3, image(7, "a", 10));
        bufferCopy(4, image(8, "b", 20));
        bufferCopy(5, image(9, "c", 30));
        try (DecodePool pool = DecodePool.start(dispatcher, 3, 60_000)) {
            startWithPool(pool);
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                punctuate();
                return forwardedIds(VggTopology.OUTPUT_SINK).size() == 3;
            });
        }
        assertThat(forwardedIds(VggTopology.OUTPUT_SINK)).containsExactly("a", "b", "c");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    @Test
    void aTaskClosedWhileItsFramesAreInThePoolLeavesThemBufferedAndThePoolNeverTouchesItsStore() {
        CountDownLatch release = new CountDownLatch(1);
        try (DecodePool pool = DecodePool.start(dispatcher, 2, 60_000, (m, image, dst) -> {
            m.pipeline().prepare(image, dst, 0);
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            ClassifyProcessor p = startWithPool(pool);
            for (long offset = 11; offset < 13; offset++) {
                InputRecord a = image(offset, "id-" + offset, 10);
                context.setRecordMetadata(TOPIC, 0, offset);
                p.process(new org.apache.kafka.streams.processor.api.Record<>(a.key(), a.value(), a.timestamp(),
                        a.headers()));
            }
            assertThat(dispatcher.inFlight()).as("both frames hold room while in the pool").isEqualTo(2);
            p.close();
            buffer.close();
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.inFlight() == 0);
        }
        assertThat(model.batchSizes()).as("a closed task's frames are not classified").isEmpty();
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void aNewRecordIsBufferedAsAReferenceOrACopyAsConfigured() {
        for (BufferMode mode : BufferMode.values()) {
            ClassifyProcessor p = start(mode, SourceReader.NONE);
            InputRecord a = image(11, "a", 10);
            context.setRecordMetadata(TOPIC, 0, 11);
            p.process(new org.apache.kafka.streams.processor.api.Record<>(a.key(), a.value(), a.timestamp(),
                    a.headers()));
            BufferedRecord stored = buffer.all().next().value;
            assertThat(stored.reference()).isEqualTo(mode == BufferMode.REFERENCE);
            assertThat(stored.value()).isEqualTo(mode == BufferMode.REFERENCE ? null : a.value());
            assertThat(stored.offset()).isEqualTo(11);
            p.close();
            buffer.delete(buffer.all().next().key);
        }
    }

    @Test
    void aTaskRevivedOnTheSameInstanceAnswersWhatItsBufferHoldsOnceAndKeepsAnsweringNewRecords() throws Exception {
        ClassifyProcessor p = start(BufferMode.COPY, SourceReader.NONE);
        process(p, image(1, "a", 10));
        process(p, image(2, "b", 20));
        // Streams closes the task dirty and calls init again on the same processor, its store restored
        p.close();
        p.init(context);
        process(p, image(3, "c", 30));
        punctuate();

        assertThat(forwardedIds(VggTopology.OUTPUT_SINK)).containsExactly("a", "b", "c");
        assertThat(buffer.approximateNumEntries()).isZero();
    }

    private void process(ClassifyProcessor p, InputRecord r) {
        context.setRecordMetadata(TOPIC, 0, r.offset());
        p.process(new org.apache.kafka.streams.processor.api.Record<>(r.key(), r.value(), r.timestamp(),
                r.headers()));
    }

    @Test
    void bothKindsSurviveTheChangelogFormat() {
        InputRecord a = image(7, "a", 10);
        BufferedRecord copy = BufferedRecord.copy(TOPIC, 0, 7, 99, a.key(), a.value(), a.headers(), 5);
        BufferedRecord back = BufferedRecord.deserialize(copy.serialize());
        assertThat(back.reference()).isFalse();
        assertThat(back.value()).isEqualTo(a.value());
        assertThat(back.headers().lastHeader(EventHeaders.ID).value()).isEqualTo("a".getBytes(StandardCharsets.UTF_8));
        BufferedRecord ref = BufferedRecord.deserialize(BufferedRecord.reference(TOPIC, 0, 7, 99, 5).serialize());
        assertThat(ref.reference()).isTrue();
        assertThat(ref.offset()).isEqualTo(7);
        assertThat(ref.timestamp()).isEqualTo(99);
        assertThat(ref.receivedMs()).isEqualTo(5);
        assertThat(BufferedRecord.reference(TOPIC, 0, 7, 99, 5).serialize().length)
                .as("a reference costs bytes, not an image").isLessThan(64);
        assertThatThrownBy(() -> BufferedRecord.deserialize(new byte[]{9})).hasMessageContaining("unknown format 9");
    }

    @Test
    void theBufferSettingParsesEitherCase() {
        assertThat(BufferMode.parse(" Reference ")).isEqualTo(BufferMode.REFERENCE);
        assertThat(BufferMode.parse("copy")).isEqualTo(BufferMode.COPY);
        assertThatThrownBy(() -> BufferMode.parse("both")).isInstanceOf(IllegalArgumentException.class);
    }
}
