package dev.vggstream.topology;

import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.DecodePool;
import dev.vggstream.batch.ImageSpec;
import dev.vggstream.batch.Mailbox;
import dev.vggstream.batch.Outcome;
import dev.vggstream.batch.Pending;
import dev.vggstream.batch.ServedModel;
import dev.vggstream.event.Classification;
import dev.vggstream.event.ClassificationCodec;
import dev.vggstream.event.DeadLetter;
import dev.vggstream.event.EventException;
import dev.vggstream.event.ImageEvent;
import dev.vggstream.event.InputRecord;
import dev.vggstream.event.Stage;
import dev.vggstream.image.ImageException;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.inference.Prediction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Classifies one task's images: parse each record, keep it in the changelogged buffer store, have it prepared
 * (here, or in the instance's {@link DecodePool}) and handed to the shared {@link BatchDispatcher}, and forward its
 * result (or dead letter) when the batch is done, in the order the records arrived. A record leaves the buffer in
 * the same commit that writes its result, so a record whose offset is committed is always either in the changelog
 * or answered: killing the process at any moment loses nothing. On start (or after a rebalance) whatever the buffer
 * holds is submitted again.
 */
final class ClassifyProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(ClassifyProcessor.class);

    private final ProcessorSettings settings;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Long, BufferedRecord> buffer;
    private Mailbox mailbox;
    /** Buffered records in arrival order, with what the result needs; the store holds the same for recovery. */
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    /** Records refused while restoring, when nothing may be forwarded yet: dead-lettered at the first drain. */
    private final Map<Long, Rejection> rejected = new HashMap<>();
    private long nextSeq;

    /** Why, and at which stage, a record was refused. */
    private record Rejection(Stage stage, Exception error) {
    }

    /** A record waiting for its outcome; {@code image} only for the listener (null while restoring a refusal). */
    private record Entry(long seq, InputRecord input, String id, String source, long eventTimestamp,
                         long receivedNanos, byte[] image) {
    }

    ClassifyProcessor(ProcessorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.buffer = context.getStateStore(VggTopology.BUFFER_STORE);
        this.mailbox = new Mailbox();
        // Kafka Streams re-initialises the same instance when it revives a task (closed dirty after a timeout or a
        // corrupted state, e.g. a long broker outage under exactly-once): the store is then the only truth. Entries
        // kept from before would wait for outcomes that the cancelled mailbox never delivers, and hold back every
        // record behind them for good.
        if (!waiting.isEmpty()) {
            log.info("task {}: revived with {} images still waiting; the buffer store says what is owed",
                    context.taskId(), waiting.size());
        }
        waiting.clear();
        rejected.clear();
        resubmitBuffered();
        context.schedule(Duration.ofMillis(settings.punctuateIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                this::punctuate);
    }

    /** Records a previous owner of this task buffered but never answered: classify them again, in order. */
    private void resubmitBuffered() {
        List<KeyValue<Long, BufferedRecord>> all = new ArrayList<>();
        try (KeyValueIterator<Long, BufferedRecord> it = buffer.all()) {
            it.forEachRemaining(all::add);
        }
        if (all.isEmpty()) {
            return;
        }
        Map<TopicPartition, Map<Long, InputRecord>> readBack = readBackReferences(all);
        for (var kv : all) {
            BufferedRecord b = kv.value;
            nextSeq = Math.max(nextSeq, kv.key + 1);
            InputRecord in = b.reference()
                    ? readBack.get(new TopicPartition(b.topic(), b.partition())).get(b.offset())
                    : new InputRecord(b.topic(), b.partition(), b.offset(), b.timestamp(), b.key(), b.value(),
                    b.headers());
            if (in == null) {
                // the input topic no longer has it: say so in a dead letter rather than lose it without a word
                InputRecord gone = new InputRecord(b.topic(), b.partition(), b.offset(), b.timestamp(), null, null,
                        new RecordHeaders());
                reject(kv.key, gone, Stage.DECODE, sourceGone(b), true);
            } else {
                // the latency clock is anchored to the epoch: the first receipt still counts
                admit(kv.key, in, b.receivedMs(), b.receivedMs() * 1_000_000L, true);
            }
        }
        log.info("task {}: resubmitted {} buffered images after a restart or rebalance", context.taskId(), all.size());
    }

    /** Reads the records that the buffer holds by reference back from the input topic, one read per partition. */
    private Map<TopicPartition, Map<Long, InputRecord>> readBackReferences(List<KeyValue<Long, BufferedRecord>> all) {
        Map<TopicPartition, SortedSet<Long>> wanted = new HashMap<>();
        for (var kv : all) {
            if (kv.value.reference()) {
                wanted.computeIfAbsent(new TopicPartition(kv.value.topic(), kv.value.partition()),
                        k -> new TreeSet<>()).add(kv.value.offset());
            }
        }
        Map<TopicPartition, Map<Long, InputRecord>> out = new HashMap<>();
        wanted.forEach((tp, offsets) -> out.put(tp, settings.sourceReader().read(tp.topic(), tp.partition(), offsets)));
        return out;
    }

    /** A buffered reference whose record the input topic no longer holds. */
    private static EventException sourceGone(BufferedRecord b) {
        return new EventException(EventException.Reason.SOURCE_GONE, "the input record " + b.topic() + "-"
                + b.partition() + "@" + b.offset() + " waiting in the buffer is no longer in its topic (input "
                + "retention shorter than the wait?): it cannot be classified");
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        InputRecord in = new InputRecord(meta.topic(), meta.partition(), meta.offset(), record.timestamp(),
                record.key(), record.value(), record.headers());
        long seq = nextSeq;
        if (admit(seq, in, context.currentSystemTimeMs(), settings.dispatcher().latencyClock().nanos(), false)) {
            nextSeq++;
        }
        drain();
    }

    /**
     * Parses a record, keeps it in the buffer and has it prepared and submitted: on this thread, or in the decode
     * pool when there is one. A record that cannot be parsed (or, on this thread, prepared) is dead-lettered at
     * once (or, while restoring, as soon as forwarding is allowed) and never enters the buffer; one the pool
     * cannot prepare is dead-lettered from the mailbox, in its place.
     *
     * @return whether the record now waits in the buffer under {@code seq}
     */
    private boolean admit(long seq, InputRecord in, long receivedMs, long receivedNanos, boolean restoring) {
        ImageEvent event;
        try {
            event = settings.parser().parse(in);
        } catch (EventException e) {
            return reject(seq, in, Stage.DECODE, e, restoring);
        } catch (RuntimeException e) {
            return unexpected(seq, in, e, restoring);
        }
        DecodePool pool = settings.decodePool();
        if (pool == null) {
            return prepareHere(seq, in, event, receivedMs, receivedNanos, restoring);
        }
        // in the changelog and in line before the hand-over: a committed offset is still buffered or answered
        keep(seq, in, event, receivedMs, receivedNanos, restoring);
        pool.submit(seq, event.image(), receivedMs, receivedNanos, mailbox);
        return true;
    }

    /** {@code image.decode-threads=0}: prepares on the stream thread, then keeps and submits. */
    private boolean prepareHere(long seq, InputRecord in, ImageEvent event, long receivedMs, long receivedNanos,
                                boolean restoring) {
        ServedModel model = settings.dispatcher().source().peek();
        ImageSpec spec = model.spec();
        float[] pixels;
        try {
            pixels = new float[spec.floats()];
            model.pipeline().prepare(event.image(), pixels, 0);
        } catch (ImageException e) {
            return reject(seq, in, stageOf(e), e, restoring);
        } catch (RuntimeException e) {
            return unexpected(seq, in, e, restoring);
        }
        keep(seq, in, event, receivedMs, receivedNanos, restoring);
        settings.dispatcher().submit(new Pending(seq, event.image(), spec, pixels, receivedMs, receivedNanos,
                mailbox));
        return true;
    }

    /** Writes the record to the buffer store (unless restoring: it is there) and queues it for its outcome. */
    private void keep(long seq, InputRecord in, ImageEvent event, long receivedMs, long receivedNanos,
                      boolean restoring) {
        if (!restoring) {
            buffer.put(seq, settings.bufferMode() == BufferMode.REFERENCE
                    ? BufferedRecord.reference(in.topic(), in.partition(), in.offset(), in.timestamp(), receivedMs)
                    : BufferedRecord.copy(in.topic(), in.partition(), in.offset(), in.timestamp(), in.key(),
                    in.value(), in.headers(), receivedMs));
        }
        waiting.addLast(new Entry(seq, in, event.id(), event.source(), event.timestampMs(), receivedNanos,
                event.image()));
    }

    /** A bug met by one record (a parser or decoder exception that is not a verdict) costs that record only. */
    private boolean unexpected(long seq, InputRecord in, RuntimeException e, boolean restoring) {
        log.warn("unexpected error reading {}-{}@{}: dead-lettered with reason {} (please report it)", in.topic(),
                in.partition(), in.offset(), DeadLetter.UNEXPECTED, e);
        return reject(seq, in, Stage.DECODE, e, restoring);
    }

    private boolean reject(long seq, InputRecord in, Stage stage, Exception e, boolean restoring) {
        if (!restoring) {
            deadLetter(in, stage, e);
            return false;
        }
        // still in the store: it leaves with its dead letter, in order, at the first drain
        waiting.addLast(new Entry(seq, in, null, null, in.timestamp(), 0, null));
        rejected.put(seq, new Rejection(stage, e));
        return true;
    }

    private static Stage stageOf(ImageException e) {
        // bytes that are not a picture are a decode problem; a picture we refuse to prepare is a preprocess one
        return switch (e.reason()) {
            case TOO_MANY_PIXELS, TOO_SMALL, TOO_MANY_BYTES -> Stage.PREPROCESS;
            default -> Stage.DECODE;
        };
    }

    /** Where an image with a failed outcome stopped: refused by the image code, or a bug before or in the model. */
    private static Stage failedAt(Outcome o) {
        if (o.error() instanceof ImageException ie) {
            return stageOf(ie);
        }
        return o.preparing() ? Stage.DECODE : Stage.INFERENCE;
    }

    private void punctuate(long now) {
        settings.dispatcher().poll(now);
        drain();
    }

    /** Forwards every outcome that has arrived, stopping at the first record still waiting: order is kept. */
    private void drain() {
        while (!waiting.isEmpty()) {
            Entry e = waiting.peekFirst();
            Rejection r = rejected.isEmpty() ? null : rejected.remove(e.seq());
            if (r != null) {
                deadLetter(e.input(), r.stage(), r.error());
            } else {
                Outcome o = mailbox.take(e.seq());
                if (o == null) {
                    return;
                }
                if (o.failed()) {
                    deadLetter(e.input(), failedAt(o), o.error());
                } else {
                    forwardResult(e, o);
                }
            }
            waiting.pollFirst();
            buffer.delete(e.seq());
        }
    }

    private void forwardResult(Entry e, Outcome o) {
        // one clock for the three latencies and the end-to-end time: read in order, they add up
        long nowNanos = settings.dispatcher().latencyClock().nanos();
        long totalNanos = nowNanos - e.receivedNanos();
        ModelInfo model = o.model();
        Classification c = new Classification(e.id(), e.source(), Classification.isoTimestamp(e.eventTimestamp()),
                new Classification.Model(model.name(), model.version()),
                Prediction.top(o.probabilities(), settings.topK(), model), o.batchSize(),
                Classification.LatencyMs.ofNanos(o.queueNanos(), o.inferenceNanos(), totalNanos),
                Classification.InputPosition.of(e.input()));
        context.forward(new Record<>(e.input().key(), ClassificationCodec.toJson(c), e.input().timestamp(),
                settings.output().result(e.input(), e.id(), e.eventTimestamp())), VggTopology.OUTPUT_SINK);
        settings.listener().classified(nowNanos / 1_000_000L - e.eventTimestamp(), totalNanos / 1_000_000L);
        settings.listener().result(c, e.image());
    }

    private void deadLetter(InputRecord in, Stage stage, Throwable error) {
        context.forward(new Record<>(in.key(), in.value(), in.timestamp(),
                settings.output().deadLetter(in, DeadLetter.headers(in, stage, error))), VggTopology.DEAD_LETTER_SINK);
        settings.listener().deadLettered(stage, DeadLetter.reasonOf(error));
        settings.listener().deadLetter(in, stage, DeadLetter.reasonOf(error), error);
        if (log.isDebugEnabled()) {
            log.debug("dead letter {}-{}@{} at {}: {}", in.topic(), in.partition(), in.offset(), stage.id(),
                    error.getMessage());
        }
    }

    @Override
    public void close() {
        if (mailbox != null) {
            // What is still waiting stays in the changelogged buffer for the task's next owner. The cancelled
            // mailbox also tells the decode pool to drop this task's frames: the pool never touches the store.
            settings.dispatcher().cancel(mailbox);
        }
    }
}
