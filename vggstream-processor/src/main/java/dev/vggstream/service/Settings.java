package dev.vggstream.service;

import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.DecodePool;
import dev.vggstream.batch.BatchSettings;
import dev.vggstream.config.AppConfig;
import dev.vggstream.event.EventLimits;
import dev.vggstream.event.EventParser;
import dev.vggstream.event.OutputFormat;
import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.JpegCodec;
import dev.vggstream.image.JpegScale;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ClassifierOptions;
import dev.vggstream.inference.DeviceConfig;
import dev.vggstream.inference.ModelException;
import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.topology.BufferMode;
import dev.vggstream.topology.OutcomeListener;
import dev.vggstream.topology.ProcessorSettings;
import dev.vggstream.topology.Topics;

import org.apache.kafka.common.acl.AclOperation;
import dev.vggstream.topology.VggTopology;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The one place the configuration meets the other packages: each method turns {@link AppConfig} into the settings
 * one part takes, so no other package reads configuration keys.
 */
public final class Settings {

    private Settings() {
    }

    /** The device asked for; {@link VggService#chooseDevice} resolves it against what TensorFlow sees. */
    public static DeviceConfig device(AppConfig c) {
        return DeviceConfig.parse(c.inferenceDevice(), c.inferenceGpuAllowGrowth(), c.inferenceGpuMemoryFraction(),
                c.inferenceIntraOpThreads(), c.inferenceInterOpThreads());
    }

    /** How to load the model on {@code device}: what the configuration says, the rest from the model's metadata. */
    public static ClassifierOptions classifierOptions(AppConfig c, DeviceConfig device) throws ModelException {
        ClassifierOptions options = ClassifierOptions.defaults().withConfigProto(device.toConfigProto())
                .withSignatureKey(c.modelSignature());
        if (c.modelPreprocessing().isPresent()) {
            options = options.withPreprocessing(Preprocessing.parse(c.modelPreprocessing().get()));
        }
        if (c.modelLabels().isPresent()) {
            try {
                options = options.withLabels(ModelMetadata.readLabelFile(c.modelLabels().get()));
            } catch (IOException e) {
                throw new ModelException("cannot read model.labels " + c.modelLabels().get() + ": " + e.getMessage(), e);
            }
        }
        if (c.modelImageSize().isPresent()) {
            options = options.withImageSize(c.modelImageSize().getAsInt());
        }
        return options;
    }

    /** The batch sizes a new version is warmed up with before it replaces the served one, or none. */
    public static int[] warmupSizes(AppConfig c) {
        return c.inferenceWarmup() ? batchSettings(c).modelBatchSizes() : new int[0];
    }

    /**
     * The batch sizes warmed before the processor reports ready, in order (see
     * {@link BatchSettings#readinessBatchSizes()}): a few by default, so a large model is ready in a fraction of
     * the time every size would take; a size not warmed pays its first call once, on a real batch.
     */
    public static int[] readinessWarmupSizes(AppConfig c) {
        if (!c.inferenceWarmup()) {
            return new int[0];
        }
        BatchSettings b = batchSettings(c);
        return c.inferenceWarmupAllBatchSizes() ? b.modelBatchSizes() : b.readinessBatchSizes();
    }

    public static BatchSettings batchSettings(AppConfig c) {
        return new BatchSettings(c.batchMaxSize(), c.batchMaxWaitMs(), c.batchMaxInFlight(), maxBlockMs(c));
    }

    /**
     * How long a stream thread may wait for room in the dispatcher: short against the transaction timeout, so a
     * stream thread waiting on a slow model still commits its transaction in time under exactly-once.
     */
    static long maxBlockMs(AppConfig c) {
        long timeout = c.kafkaTransactionTimeoutMs().orElse(10_000);
        return Math.max(50, Math.min(2_000, timeout / 5));
    }

    /** The decode pool {@code image.decode-threads} asks for, or null for 0 (the default). */
    public static DecodePool decodePool(AppConfig c, BatchDispatcher dispatcher) {
        int threads = decodeThreads(c);
        return threads == 0 ? null : DecodePool.start(dispatcher, threads, c.imageDecodeTimeoutMs());
    }

    public static int decodeThreads(AppConfig c) {
        return c.imageDecodeThreads().orElseGet(DecodePool::defaultThreads);
    }

    public static ImageLimits imageLimits(AppConfig c) {
        return new ImageLimits(c.imageMaxBytes(), c.imageMaxPixels(), c.imageMinSide(), c.imageDecodeTimeoutMs());
    }

    public static ImageDecoder imageDecoder(AppConfig c) {
        return new ImageDecoder(imageLimits(c), JpegCodec.parse(c.imageJpegDecoder()),
                JpegScale.parse(c.imageJpegScale()));
    }

    public static EventLimits eventLimits(AppConfig c) {
        return EventLimits.forImages(c.imageMaxBytes());
    }

    /** What the classify processor works with; {@code streams} are the Kafka properties (for reading back). */
    public static ProcessorSettings processorSettings(AppConfig c, BatchDispatcher dispatcher, OutcomeListener outcomes,
                                                      Properties streams) {
        return new ProcessorSettings(dispatcher, new EventParser(eventLimits(c)), c.outputTopK(),
                c.batchPunctuateIntervalMs(), outcomes, BufferMode.parse(c.batchBuffer()),
                new KafkaSourceReader(streams, c.exactlyOnce()),
                outputFormat(c), null);
    }

    public static OutputFormat outputFormat(AppConfig c) {
        return new OutputFormat(OutputFormat.Kind.parse(c.outputFormat()),
                c.outputCloudEventsSource().orElse(OutputFormat.defaultSource(c.kafkaApplicationId())));
    }

    public static Topics topics(AppConfig c) {
        return new Topics(c.topicsInput(), c.topicsOutput(), c.topicsDlq());
    }

    /** The topics to create when missing: the input and dead letters take the largest record accepted. */
    static List<KafkaAdmin.TopicSpec> topicSpecs(AppConfig c, Replication replication) {
        Map<String, String> large = replication.topicConfigs(
                Map.of("max.message.bytes", Integer.toString(StreamsProperties.maxRecordBytes(c))));
        Map<String, String> small = replication.topicConfigs(Map.of());
        short rf = replication.factor();
        int parts = c.topicsPartitions();
        return List.of(new KafkaAdmin.TopicSpec(c.topicsInput(), parts, rf, large),
                new KafkaAdmin.TopicSpec(c.topicsOutput(), parts, rf, small),
                new KafkaAdmin.TopicSpec(c.topicsDlq(), parts, rf, large));
    }

    /**
     * The changelog of the image buffer: the ACLs of docs/security.md row 5, as Streams uses them (it creates,
     * writes and restores it; it never reads the topic's configs, so DESCRIBE_CONFIGS is not asked for).
     */
    static List<KafkaPermissions.TopicAccess> internalAccess(AppConfig c) {
        String changelog = changelog(c);
        String key = "internal topic, prefixed kafka.application.id + '-'";
        return List.of(new KafkaPermissions.TopicAccess(changelog, AclOperation.CREATE, key),
                new KafkaPermissions.TopicAccess(changelog, AclOperation.READ, key),
                new KafkaPermissions.TopicAccess(changelog, AclOperation.WRITE, key));
    }

    /** The buffer's changelog, named by Kafka Streams: application id, store, {@code -changelog}. */
    static String changelog(AppConfig c) {
        return c.kafkaApplicationId() + "-" + VggTopology.BUFFER_STORE + "-changelog";
    }

    /**
     * The topics the processor writes, which {@link KafkaMonitor} watches: results, dead letters and the buffer's
     * changelog (every image waiting for its batch is written there; under exactly-once a changelog partition below
     * min ISR fails the whole transaction, results included).
     */
    static List<String> writtenTopics(AppConfig c) {
        return List.of(c.topicsOutput(), c.topicsDlq(), changelog(c));
    }

    /** What the processor does with each of its topics: the ACLs of docs/security.md rows 1, 3 and 4. */
    static List<KafkaPermissions.TopicAccess> topicAccess(AppConfig c) {
        return List.of(new KafkaPermissions.TopicAccess(c.topicsInput(), AclOperation.READ, "topics.input"),
                new KafkaPermissions.TopicAccess(c.topicsOutput(), AclOperation.WRITE, "topics.output"),
                new KafkaPermissions.TopicAccess(c.topicsDlq(), AclOperation.WRITE, "topics.dlq"));
    }

    static KafkaPermissions.Identity identity(AppConfig c) {
        Map<String, String> keys = new HashMap<>();
        for (KafkaPermissions.TopicAccess t : topicAccess(c)) {
            keys.putIfAbsent(t.topic(), t.key());
        }
        return new KafkaPermissions.Identity(c.kafkaApplicationId(),
                c.exactlyOnce(), keys);
    }
}
