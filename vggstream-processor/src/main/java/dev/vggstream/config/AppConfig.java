package dev.vggstream.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The processor's configuration, immutable and fully validated.
 *
 * <p>Precedence, lowest first: built-in defaults ({@link ConfigKeys}), the properties file, {@code VGGSTREAM_*}
 * environment variables, then {@link #with} overrides. Keys starting with {@code kafka.} go to Kafka Streams with
 * the prefix removed; any other key must be in the registry.
 *
 * <p>Values are read one way: a getter per key (and {@link #http()}, {@link #kafkaProperties()} for what is
 * handed on as a whole).
 *
 * <p>{@link #toString()}, {@link #describe()} and {@link #effectiveLines()} hide secrets and are safe to log;
 * {@link #kafkaProperties()} is not, since Kafka needs the real passwords.
 */
public final class AppConfig {

    /** Read when no file is named and {@code VGGSTREAM_CONFIG} is not set, if it exists. */
    public static final Path DEFAULT_FILE = Path.of("config", "application.properties");

    private final Map<String, Setting> settings;
    private final List<RawValue> inputs;
    private final Path file;

    private AppConfig(Path file, List<RawValue> inputs, List<String> problems) {
        this.file = file;
        this.inputs = List.copyOf(inputs);
        this.settings = Map.copyOf(Resolver.resolve(this.inputs, problems));
    }

    /**
     * Reads the file and overlays the environment.
     *
     * @param fileOrNull the properties file; when null, the file named by {@code VGGSTREAM_CONFIG}, else
     *                   {@link #DEFAULT_FILE} if it exists, else the built-in defaults alone
     * @param env        the environment, usually {@code System.getenv()}
     * @throws ConfigException listing every problem: unreadable file, unknown key or variable, invalid value
     */
    public static AppConfig load(Path fileOrNull, Map<String, String> env) {
        Path file = chooseFile(fileOrNull, env);
        Inputs.Layer fromFile = file == null ? new Inputs.Layer(List.of(), List.of()) : Inputs.readFile(file);
        return build(file, fromFile, Inputs.fromEnvironment(env));
    }

    /** As {@link #load}, with {@code properties} standing for the file's content. */
    public static AppConfig fromProperties(Properties properties, Map<String, String> env) {
        return build(null, Inputs.fromProperties(properties, "properties"), Inputs.fromEnvironment(env));
    }

    /** The built-in defaults alone. */
    public static AppConfig defaults() {
        return new AppConfig(null, List.of(), List.of());
    }

    /** A copy with {@code key} set to {@code value}, validated as the file's values are; for tests and the CLI. */
    public AppConfig with(String key, String value) {
        return with(Map.of(key, value));
    }

    /** A copy with several overrides, every problem among them reported together. */
    public AppConfig with(Map<String, String> overrides) {
        List<RawValue> all = new ArrayList<>(inputs);
        List<String> problems = new ArrayList<>();
        new TreeMap<>(overrides).forEach((key, value) -> {
            Objects.requireNonNull(value, key);
            if (Inputs.isKnown(key)) {
                all.add(new RawValue(key, value, Source.OVERRIDE, "override"));
            } else {
                problems.add(Inputs.unknownKeyProblem(key, "override"));
            }
        });
        return new AppConfig(file, all, problems);
    }

    /** The properties file that was read, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The value of {@code key}; null only for an optional key that is not set. Read values through the getters. */
    @SuppressWarnings("unchecked")
    private <T> T get(ConfigKey<T> key) {
        // The registry's parser made the value, so it has the key's type.
        return (T) settings.get(key.name()).value();
    }

    private <T> Optional<T> find(ConfigKey<T> key) {
        return Optional.ofNullable(get(key));
    }

    /**
     * Where a key's effective value came from (with its text), for reports of the configuration; values are read
     * through the getters below, not by key.
     */
    public Optional<Setting> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /**
     * What Kafka Streams is given: every {@code kafka.*} key without its prefix, the application's Kafka defaults
     * included. Holds secrets in clear: never log it.
     */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> kafka = new TreeMap<>();
        settings.forEach((key, s) -> {
            if (key.startsWith(ConfigKey.KAFKA_PREFIX)) {
                kafka.put(key.substring(ConfigKey.KAFKA_PREFIX.length()), s.text());
            }
        });
        return Collections.unmodifiableMap(kafka);
    }

    /**
     * Warnings about the configuration that do not stop the start: {@code kafka.*} keys that no Kafka client knows
     * (misspelt, or meant for a plugin), with the nearest known key. Passed on all the same, values never shown.
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (String key : new TreeMap<>(settings).keySet()) {
            String k = key.startsWith(ConfigKey.KAFKA_PREFIX) ? key.substring(ConfigKey.KAFKA_PREFIX.length()) : null;
            if (k != null && !KafkaKeys.isKnown(k)) {
                out.add(key + " is not a setting of any Kafka client"
                        + KafkaKeys.closest(k).map(c -> " (did you mean " + ConfigKey.KAFKA_PREFIX + c + "?)").orElse("")
                        + "; passed on as given, its value hidden in logs");
            }
        }
        return out;
    }

    /** One {@code key = value (source: ...)} line per key, sorted, secrets hidden. */
    public List<String> effectiveLines() {
        return new TreeMap<>(settings).values().stream().map(Setting::describe).toList();
    }

    /** {@link #effectiveLines()} as one text, for the log at start. */
    public String describe() {
        return String.join(System.lineSeparator(), effectiveLines());
    }

    @Override
    public String toString() {
        return describe();
    }

    // ---- the HTTP endpoints' settings, as one value

    /**
     * @param view       serve the live page on {@code /}
     * @param thumbnails show thumbnails of recent images on it
     */
    public record Http(boolean enabled, String host, int port, boolean view, boolean thumbnails) {
        /** The live page on, without thumbnails (the defaults). */
        public Http(boolean enabled, String host, int port) {
            this(enabled, host, port, true, false);
        }
    }

    public Http http() {
        return new Http(httpEnabled(), httpHost(), httpPort(), httpViewEnabled(), httpViewThumbnails());
    }

    // ---- one getter per key

    public String topicsInput() {
        return get(ConfigKeys.TOPICS_INPUT);
    }

    public String topicsOutput() {
        return get(ConfigKeys.TOPICS_OUTPUT);
    }

    public String topicsDlq() {
        return get(ConfigKeys.TOPICS_DLQ);
    }

    public boolean topicsCreate() {
        return get(ConfigKeys.TOPICS_CREATE);
    }

    public int topicsPartitions() {
        return get(ConfigKeys.TOPICS_PARTITIONS);
    }

    /** Empty when unset: the service then derives it from the cluster's size. The key's range fits a short. */
    public OptionalInt topicsReplicationFactor() {
        Integer rf = get(ConfigKeys.TOPICS_REPLICATION_FACTOR);
        return rf == null ? OptionalInt.empty() : OptionalInt.of(rf);
    }

    public Path modelPath() {
        return get(ConfigKeys.MODEL_PATH);
    }

    public long modelPollIntervalMs() {
        return get(ConfigKeys.MODEL_POLL_INTERVAL_MS);
    }

    public Optional<Path> modelLabels() {
        return find(ConfigKeys.MODEL_LABELS);
    }

    /** torch, caffe or none; empty when the model's metadata decides. */
    public Optional<String> modelPreprocessing() {
        return find(ConfigKeys.MODEL_PREPROCESSING);
    }

    public String modelSignature() {
        return get(ConfigKeys.MODEL_SIGNATURE);
    }

    public OptionalInt modelImageSize() {
        Integer size = get(ConfigKeys.MODEL_IMAGE_SIZE);
        return size == null ? OptionalInt.empty() : OptionalInt.of(size);
    }

    public int batchMaxSize() {
        return get(ConfigKeys.BATCH_MAX_SIZE);
    }

    public long batchMaxWaitMs() {
        return get(ConfigKeys.BATCH_MAX_WAIT_MS);
    }

    public int batchMaxInFlight() {
        return get(ConfigKeys.BATCH_MAX_IN_FLIGHT);
    }

    public long batchPunctuateIntervalMs() {
        return get(ConfigKeys.BATCH_PUNCTUATE_INTERVAL_MS);
    }

    /** auto, cpu, gpu or gpu:N. */
    public String inferenceDevice() {
        return get(ConfigKeys.INFERENCE_DEVICE);
    }

    public boolean inferenceGpuAllowGrowth() {
        return get(ConfigKeys.INFERENCE_GPU_ALLOW_GROWTH);
    }

    /** 0 means TensorFlow's default. */
    public double inferenceGpuMemoryFraction() {
        return get(ConfigKeys.INFERENCE_GPU_MEMORY_FRACTION);
    }

    /** 0 means TensorFlow's default. */
    public int inferenceIntraOpThreads() {
        return get(ConfigKeys.INFERENCE_INTRA_OP_THREADS);
    }

    /** 0 means TensorFlow's default. */
    public int inferenceInterOpThreads() {
        return get(ConfigKeys.INFERENCE_INTER_OP_THREADS);
    }

    public boolean inferenceWarmup() {
        return get(ConfigKeys.INFERENCE_WARMUP);
    }

    /** True: warm every batch size the model is called with before ready; false: only the few it meets first. */
    public boolean inferenceWarmupAllBatchSizes() {
        return "all".equals(get(ConfigKeys.INFERENCE_WARMUP_BATCH_SIZES));
    }

    public int inferenceWarmupImages() {
        return get(ConfigKeys.INFERENCE_WARMUP_IMAGES);
    }

    public int inferenceRehearsalImages() {
        return get(ConfigKeys.INFERENCE_REHEARSAL_IMAGES);
    }

    public long imageMaxBytes() {
        return get(ConfigKeys.IMAGE_MAX_BYTES);
    }

    public long imageMaxPixels() {
        return get(ConfigKeys.IMAGE_MAX_PIXELS);
    }

    public int imageMinSide() {
        return get(ConfigKeys.IMAGE_MIN_SIDE);
    }

    public String batchBuffer() {
        return get(ConfigKeys.BATCH_BUFFER);
    }

    public long imageDecodeTimeoutMs() {
        return get(ConfigKeys.IMAGE_DECODE_TIMEOUT_MS);
    }

    /** {@code image.decode-threads} (0 by default: no pool). */
    public OptionalInt imageDecodeThreads() {
        Integer n = get(ConfigKeys.IMAGE_DECODE_THREADS);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    public String imageJpegDecoder() {
        return get(ConfigKeys.IMAGE_JPEG_DECODER);
    }

    public String imageJpegScale() {
        return get(ConfigKeys.IMAGE_JPEG_SCALE);
    }

    public int outputTopK() {
        return get(ConfigKeys.OUTPUT_TOP_K);
    }

    /** json or cloudevents. */
    public String outputFormat() {
        return get(ConfigKeys.OUTPUT_FORMAT);
    }

    public Optional<String> outputCloudEventsSource() {
        return find(ConfigKeys.OUTPUT_CLOUDEVENTS_SOURCE);
    }

    public boolean httpEnabled() {
        return get(ConfigKeys.HTTP_ENABLED);
    }

    public String httpHost() {
        return get(ConfigKeys.HTTP_HOST);
    }

    public int httpPort() {
        return get(ConfigKeys.HTTP_PORT);
    }

    public boolean httpViewEnabled() {
        return get(ConfigKeys.HTTP_VIEW_ENABLED);
    }

    public boolean httpViewThumbnails() {
        return get(ConfigKeys.HTTP_VIEW_THUMBNAILS);
    }

    public String logFormat() {
        return get(ConfigKeys.LOG_FORMAT);
    }

    public long startupKafkaTimeoutMs() {
        return get(ConfigKeys.STARTUP_KAFKA_TIMEOUT_MS);
    }

    public long healthKafkaUnavailableMs() {
        return get(ConfigKeys.HEALTH_KAFKA_UNAVAILABLE_MS);
    }

    public long shutdownTimeoutMs() {
        return get(ConfigKeys.SHUTDOWN_TIMEOUT_MS);
    }

    public String kafkaApplicationId() {
        return get(ConfigKeys.KAFKA_APPLICATION_ID);
    }

    /** Whether {@code kafka.processing.guarantee} is {@code exactly_once_v2}. */
    public boolean exactlyOnce() {
        return "exactly_once_v2".equals(kafkaProcessingGuarantee());
    }

    public String kafkaBootstrapServers() {
        return get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
    }

    /** at_least_once or exactly_once_v2. */
    public String kafkaProcessingGuarantee() {
        return get(ConfigKeys.KAFKA_PROCESSING_GUARANTEE);
    }

    /**
     * The producer's transaction timeout when set ({@code kafka.producer.transaction.timeout.ms}, else
     * {@code kafka.transaction.timeout.ms}): Kafka's own keys, passed through, so not in the registry.
     */
    public OptionalLong kafkaTransactionTimeoutMs() {
        Setting s = settings.getOrDefault(ConfigKey.KAFKA_PREFIX + "producer.transaction.timeout.ms",
                settings.get(ConfigKey.KAFKA_PREFIX + "transaction.timeout.ms"));
        return s == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s.text().trim()));
    }

    // ---- loading

    private static AppConfig build(Path file, Inputs.Layer fromFile, Inputs.Layer fromEnv) {
        List<RawValue> values = new ArrayList<>(fromFile.values());
        values.addAll(fromEnv.values());
        List<String> problems = new ArrayList<>(fromFile.problems());
        problems.addAll(fromEnv.problems());
        return new AppConfig(file, values, problems);
    }

    private static Path chooseFile(Path explicit, Map<String, String> env) {
        if (explicit != null) {
            return requireFile(explicit, "");
        }
        String named = env.get(EnvNames.CONFIG_FILE_VARIABLE);
        if (named != null && !named.isBlank()) {
            return requireFile(Path.of(named.strip()), " (from " + EnvNames.CONFIG_FILE_VARIABLE + ")");
        }
        return Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null;
    }

    // A named file that is missing is a mistake, not a reason to run on defaults against the wrong cluster.
    private static Path requireFile(Path file, String why) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + why + " does not exist or is not a file");
        }
        return file;
    }
}
