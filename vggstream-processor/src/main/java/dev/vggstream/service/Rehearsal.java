package dev.vggstream.service;

import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.batch.ModelSource;
import dev.vggstream.batch.ServedModel;
import dev.vggstream.config.AppConfig;
import dev.vggstream.event.InputRecord;
import dev.vggstream.inference.BatchClassifier;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.topology.OutcomeListener;
import dev.vggstream.topology.ProcessorSettings;
import dev.vggstream.topology.Topics;
import dev.vggstream.topology.VggTopology;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A dress rehearsal before ready: synthetic events through the processor's own topology, with its own settings, in
 * Kafka Streams' {@link TopologyTestDriver} (no broker, nothing written anywhere), with a stand-in model that answers
 * at once. A JVM a second old interprets everything; what a fresh processor spends its first ten thousand images on
 * is not the image path alone but Kafka Streams' record path, the buffer store and its changelog, the serdes and the
 * result's JSON, which this compiles before the first real record. The real model was warmed before.
 */
final class Rehearsal {

    private static final Logger log = LoggerFactory.getLogger(Rehearsal.class);
    /** Events between moves of the wall clock past {@code batch.max-wait-ms}: partial batches get flushed too. */
    static final int EVENTS_PER_TICK = 50;
    /**
     * Small JPEGs: the rehearsal is for Java code, and decoding is native code (libjpeg-turbo), which gains nothing
     * from being repeated; at 224 px, decoding took most of a rehearsal's time.
     */
    static final int SIDE = 64;

    private Rehearsal() {
    }

    /**
     * Runs {@code images} synthetic {@link #SIDE} px events (raw and JSON, {@link Warmup#syntheticEvents}) through
     * the topology.
     *
     * @return results and dead letters the topology wrote; fewer than {@code images} only if something went wrong
     * (logged: a rehearsal never stops a start)
     */
    static int run(AppConfig config, Properties streams, ServedModel served, int images) {
        if (images <= 0) {
            return 0;
        }
        long t0 = System.nanoTime();
        AtomicLong clockMs = new AtomicLong(System.currentTimeMillis());
        BatchSettings batch = Settings.batchSettings(config);
        Path stateDir = null;
        AtomicInteger answered = new AtomicInteger();
        try (StandIn model = new StandIn(served.classifier().info());
             BatchDispatcher dispatcher = BatchDispatcher.inline(ModelSource.of(model, served.pipeline()), batch,
                     BatchListener.NONE, clockMs::get)) {
            stateDir = Files.createTempDirectory("vggstream-rehearsal");
            Topics topics = Settings.topics(config);
            // the processor's own settings; its source reader is never used: the rehearsal's buffer starts empty
            ProcessorSettings settings = Settings.processorSettings(config, dispatcher, OutcomeListener.NONE,
                    streams);
            Properties props = new Properties();
            props.putAll(streams);
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            try (TopologyTestDriver driver = new TopologyTestDriver(VggTopology.build(topics, settings,
                    StreamsProperties.changelogConfig(config)), props, Instant.ofEpochMilli(clockMs.get()))) {
                feed(driver, topics, images, clockMs, Duration.ofMillis(batch.maxWaitMs() + 1), answered);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("rehearsal stopped after {} images: {}", answered.get(), e.toString());
        } finally {
            deleteQuietly(stateDir);
        }
        log.info("rehearsed the topology on {} synthetic {} px JPEG events in {} ms", answered.get(), SIDE,
                (System.nanoTime() - t0) / 1_000_000);
        return answered.get();
    }

    /** Pipes the events, moving the wall clock every {@link #EVENTS_PER_TICK}; counts what comes out as it goes. */
    private static void feed(TopologyTestDriver driver, Topics topics, int images, AtomicLong clockMs, Duration tick,
                             AtomicInteger answered) {
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topics.input(), ser, ser);
        TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(topics.output(), de, de);
        TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic(topics.deadLetters(), de, de);
        List<InputRecord> events = Warmup.syntheticEvents(SIDE);
        for (int i = 0; i < images; i++) {
            InputRecord e = events.get(i % events.size());
            in.pipeInput(new TestRecord<>(e.key(), e.value(), e.headers(), Instant.ofEpochMilli(clockMs.get())));
            if ((i + 1) % EVENTS_PER_TICK == 0 || i == images - 1) {
                clockMs.addAndGet(tick.toMillis());
                driver.advanceWallClockTime(tick);
                // read as it goes: the driver keeps every output record until it is read
                answered.addAndGet(out.readRecordsToList().size() + dlq.readRecordsToList().size());
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("rehearsal state directory {} not removed: {}", dir, e.toString());
        }
    }

    /** The served model's shape and labels; every class equally likely, at no cost. */
    static final class StandIn implements BatchClassifier {
        private final ModelInfo info;

        StandIn(ModelInfo info) {
            this.info = info;
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public float[][] classify(float[] pixels, int n) {
            float[][] out = new float[n][info.numClasses()];
            for (float[] row : out) {
                Arrays.fill(row, 1f / info.numClasses());
            }
            return out;
        }

        @Override
        public void close() {
        }
    }
}
