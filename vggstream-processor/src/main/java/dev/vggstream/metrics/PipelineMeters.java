package dev.vggstream.metrics;

import dev.vggstream.batch.BatchListener;
import dev.vggstream.event.DeadLetter;
import dev.vggstream.event.EventException;
import dev.vggstream.event.Stage;
import dev.vggstream.image.ImageException;
import dev.vggstream.topology.OutcomeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The processor's own meters, fed by the dispatcher ({@link BatchListener}) and the stream tasks
 * ({@link OutcomeListener}). Histograms have fixed buckets so that Prometheus can compute any percentile across
 * instances; client-side percentiles could not be aggregated.
 */
final class PipelineMeters implements BatchListener, OutcomeListener {

    static final String IMAGES = "vggstream.images";
    static final String BATCHES = "vggstream.batches";
    static final String BATCH_SIZE = "vggstream.batch.size";
    static final String QUEUE_WAIT = "vggstream.queue.wait";
    static final String INFERENCE = "vggstream.inference";
    static final String END_TO_END = "vggstream.end.to.end";
    static final String IN_FLIGHT = "vggstream.images.in.flight";

    /** Reasons outside the dead-letter contract's enums are counted as this, to keep the label set bounded. */
    static final String OTHER_REASON = "OTHER";

    /** Every reason a dead letter can carry; anything else would mean an unbounded label. */
    static final Set<String> KNOWN_REASONS = Stream.of(
                    Arrays.stream(EventException.Reason.values()).map(Enum::name),
                    Arrays.stream(ImageException.Reason.values()).map(Enum::name),
                    Stream.of(DeadLetter.UNEXPECTED))
            .flatMap(s -> s).collect(Collectors.toUnmodifiableSet());

    // From a few milliseconds of queueing up to a VGG16 batch on a busy CPU.
    private static final Duration[] LATENCY_BUCKETS = durations(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500,
            5_000, 10_000, 30_000);
    // End to end also covers a consumer catching up on a backlog.
    private static final Duration[] END_TO_END_BUCKETS = durations(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500,
            5_000, 10_000, 30_000, 60_000, 300_000, 900_000);
    // batch.max-size is at most 1024; powers of two match the padded model batch sizes above 32.
    private static final double[] BATCH_SIZE_BUCKETS = {1, 2, 4, 8, 12, 16, 24, 32, 64, 128, 256, 512, 1024};

    private final MeterRegistry registry;
    private final Counter classified;
    private final ConcurrentMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Counter batchesOk;
    private final Counter batchesFailed;
    private final DistributionSummary batchSize;
    private final Timer queueWait;
    private final Timer inference;
    private final Timer endToEnd;
    private final AtomicInteger inFlight = new AtomicInteger();

    PipelineMeters(MeterRegistry registry) {
        this.registry = registry;
        // Every series of one Prometheus metric must have the same label names: classified images carry the
        // dead-letter labels too, empty (which PromQL treats as absent).
        this.classified = images("classified", "", "");
        this.batchesOk = batches("ok");
        this.batchesFailed = batches("failed");
        this.batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("Images per model call (failed calls included)")
                .serviceLevelObjectives(BATCH_SIZE_BUCKETS).register(registry);
        this.queueWait = timer(QUEUE_WAIT, "From receipt of an image to the start of its batch", LATENCY_BUCKETS);
        this.inference = timer(INFERENCE, "Duration of one model call", LATENCY_BUCKETS);
        this.endToEnd = timer(END_TO_END, "From the event's own timestamp to its result being sent",
                END_TO_END_BUCKETS);
        Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get)
                .description("Images admitted to the dispatcher and not yet classified").register(registry);
    }

    @Override
    public void batch(int size, long inferenceNanos, boolean failed) {
        (failed ? batchesFailed : batchesOk).increment();
        batchSize.record(size);
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void queued(long queueMs) {
        queueWait.record(Math.max(0, queueMs), TimeUnit.MILLISECONDS);
    }

    @Override
    public void inFlight(int images) {
        inFlight.set(images);
    }

    @Override
    public void classified(long endToEndMs, long totalMs) {
        classified.increment();
        // A negative span means the producer's clock runs ahead of ours; it says nothing about our latency.
        if (endToEndMs >= 0) {
            endToEnd.record(endToEndMs, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void deadLettered(Stage stage, String reason) {
        String r = reason != null && KNOWN_REASONS.contains(reason) ? reason : OTHER_REASON;
        String s = stage == null ? "unknown" : stage.id();
        deadLettered.computeIfAbsent(s + '/' + r, k -> images("dead_lettered", s, r)).increment();
    }

    private Counter images(String outcome, String stage, String reason) {
        return Counter.builder(IMAGES).description("Images answered, by outcome; dead letters by stage and reason")
                .tags("outcome", outcome, "stage", stage, "reason", reason).register(registry);
    }

    private Counter batches(String outcome) {
        return Counter.builder(BATCHES).description("Model calls, including image-by-image re-runs of a failed batch")
                .tag("outcome", outcome).register(registry);
    }

    private Timer timer(String name, String description, Duration[] buckets) {
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).register(registry);
    }

    private static Duration[] durations(long... millis) {
        return Arrays.stream(millis).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    }
}
