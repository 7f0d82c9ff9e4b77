package dev.vggstream.config;

import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The registry: every application key, declared once. {@code config/application.properties} documents the same
 * keys, and a test keeps the two in step.
 *
 * <p>No key is required: the service must start from the built-in defaults alone, against a local broker. Keys
 * without a default are optional; leaving them unset lets the component decide, usually from the model.
 */
public final class ConfigKeys {

    // Filled by define() as the constants below initialise: it must be declared before them.
    private static final List<ConfigKey<?>> REGISTRY = new ArrayList<>();

    private static final long DAY_MS = 86_400_000L;
    private static final long TEN_MINUTES_MS = 600_000L;

    // ---- topics
    public static final ConfigKey<String> TOPICS_INPUT = topic("topics.input", "images",
            "Topic the encoded images are read from (key: image id, value: image bytes).");
    public static final ConfigKey<String> TOPICS_OUTPUT = topic("topics.output", "classifications",
            "Topic the classification results are written to, keyed like the input.");
    public static final ConfigKey<String> TOPICS_DLQ = topic("topics.dlq", "images.dlq",
            "Dead-letter topic: images that cannot be decoded or classified, with the reason in headers.");
    public static final ConfigKey<Boolean> TOPICS_CREATE = bool("topics.create", true,
            "Create missing input, output and dead-letter topics at start.");
    public static final ConfigKey<Integer> TOPICS_PARTITIONS = integer("topics.partitions", 8, 1, 10_000,
            "Partitions of the topics created at start; the maximum useful number of processor threads.");
    // Kafka stores the replication factor as a short.
    public static final ConfigKey<Integer> TOPICS_REPLICATION_FACTOR = integer("topics.replication-factor", null, 1,
            Short.MAX_VALUE, "Replication factor of the topics created at start and of Kafka Streams' internal "
                    + "topics; unset: min(3, brokers in the cluster).");

    // ---- model
    public static final ConfigKey<Path> MODEL_PATH = path("model.path", Path.of("models/vgg"),
            "SavedModel directory, or a directory of numbered versions (1/, 2/, ...) of which the highest is served.");
    public static final ConfigKey<Long> MODEL_POLL_INTERVAL_MS = duration("model.poll-interval-ms", 10_000L, 0,
            DAY_MS, "How often model.path is checked for a new version to hot-reload; 0 disables hot reload.");
    public static final ConfigKey<Path> MODEL_LABELS = path("model.labels", null,
            "Labels file, one class name per line, overriding the labels stored with the model.");
    public static final ConfigKey<String> MODEL_PREPROCESSING = oneOf("model.preprocessing", null,
            "Pixel preprocessing overriding the model's metadata: torch (RGB, ImageNet mean/std), "
                    + "caffe (BGR minus ImageNet means) or none (RGB 0-255).",
            "torch", "caffe", "none");
    public static final ConfigKey<String> MODEL_SIGNATURE = string("model.signature", "serving_default",
            "SavedModel signature to serve.", Rules::signature, Rules.SIGNATURE_EXPECTED);
    // VGG halves the image five times: below 32 pixels nothing is left to classify.
    public static final ConfigKey<Integer> MODEL_IMAGE_SIZE = integer("model.image-size", null, 32, 4096,
            "Side in pixels of the model input, for graphs that accept any size and whose metadata does not say.");

    // ---- batching
    public static final ConfigKey<Integer> BATCH_MAX_SIZE = integer("batch.max-size", 16, 1, 1024,
            "Most images classified in one inference call.");
    public static final ConfigKey<Long> BATCH_MAX_WAIT_MS = duration("batch.max-wait-ms", 50L, 0, 60_000,
            "Longest an image waits for its batch to fill before a partial batch runs; 0 runs what is ready.");
    public static final ConfigKey<String> BATCH_BUFFER = oneOf("batch.buffer", "reference",
            "What the crash-safe buffer changelogs of a waiting image: reference (its input topic, partition and "
                    + "offset; read back after a crash) or copy (the whole record; needs no input retention).",
            "reference", "copy");
    public static final ConfigKey<Integer> BATCH_MAX_IN_FLIGHT = integer("batch.max-in-flight", 64, 1, 65_536,
            "Images decoded and waiting for or in inference, per instance; bounds memory (at least batch.max-size).");
    public static final ConfigKey<Long> BATCH_PUNCTUATE_INTERVAL_MS = duration("batch.punctuate-interval-ms", 5L,
            1, 1_000, "How often each stream task checks for finished batches and expired waits.");

    // ---- inference
    public static final ConfigKey<String> INFERENCE_DEVICE = string("inference.device", "auto",
            "Where the model runs: auto (a GPU if present), cpu, gpu (the first GPU) or gpu:N.",
            Rules::device, Rules.DEVICE_EXPECTED);
    public static final ConfigKey<Boolean> INFERENCE_GPU_ALLOW_GROWTH = bool("inference.gpu.allow-growth", true,
            "Let TensorFlow take GPU memory as needed instead of reserving it all at start.");
    public static final ConfigKey<Double> INFERENCE_GPU_MEMORY_FRACTION = decimal("inference.gpu.memory-fraction",
            0.0, 0.0, 1.0, "Share of GPU memory TensorFlow may use, 0 < f <= 1; 0 keeps TensorFlow's default.");
    public static final ConfigKey<Integer> INFERENCE_INTRA_OP_THREADS = integer("inference.intra-op-threads", 0, 0,
            1024, "Threads used inside one TensorFlow operation; 0 lets TensorFlow choose (one per core).");
    public static final ConfigKey<Integer> INFERENCE_INTER_OP_THREADS = integer("inference.inter-op-threads", 0, 0,
            1024, "Threads running independent TensorFlow operations in parallel; 0 lets TensorFlow choose.");
    public static final ConfigKey<Boolean> INFERENCE_WARMUP = bool("inference.warmup", true,
            "Run one batch of blank images before consuming, so the first real batch is not slow.");
    public static final ConfigKey<String> INFERENCE_WARMUP_BATCH_SIZES = oneOf("inference.warmup-batch-sizes", "few",
            "Batch sizes warmed before ready: few (batch.max-size first, then 1 and the powers of two below it; other "
                    + "sizes warm on first use) or all (every size the model is called with; VGG16 at batch 32: 13x "
                    + "longer).",
            "few", "all");
    public static final ConfigKey<Integer> INFERENCE_WARMUP_IMAGES = integer("inference.warmup-images", 0, 0,
            1_000_000, "Synthetic JPEG events parsed, decoded and prepared before ready, to compile the image path "
                    + "before the first real image; 0 (default): none, it did not measurably help (README, part 8).");

    public static final ConfigKey<Integer> INFERENCE_REHEARSAL_IMAGES = integer("inference.rehearsal-images", 0, 0,
            1_000_000, "Synthetic JPEG events run through the processor's own topology before ready (Kafka Streams' "
                    + "test driver, a stand-in model, nothing written to Kafka), to compile the record path, the "
                    + "buffer and the serdes before the first real image; 0: none.");

    // ---- image limits
    // Kafka's own message size limit is an int.
    public static final ConfigKey<Long> IMAGE_MAX_BYTES = number("image.max-bytes", 10_485_760L, 1,
            Integer.MAX_VALUE, "Largest encoded image accepted; larger ones go to the dead-letter topic.");
    // The decoded RGB bytes (3 per pixel) must fit one Java array.
    public static final ConfigKey<Long> IMAGE_MAX_PIXELS = number("image.max-pixels", 40_000_000L, 1,
            700_000_000L, "Largest declared width x height accepted, checked before decoding (decompression bombs).");
    public static final ConfigKey<Integer> IMAGE_MIN_SIDE = integer("image.min-side", 8, 1, 4096,
            "Images with a smaller width or height are refused: too small to classify.");
    public static final ConfigKey<Long> IMAGE_DECODE_TIMEOUT_MS = duration("image.decode-timeout-ms", 2_000L, 1,
            TEN_MINUTES_MS, "Longest one image may take to decode before it goes to the dead-letter topic.");
    public static final ConfigKey<Integer> IMAGE_DECODE_THREADS = integer("image.decode-threads", 0, 0, 1024,
            "Threads per instance decoding and preparing images (the decode pool), so one partition's frames can use "
                    + "every core; 0: on the stream threads (one core per partition at most), which measured faster "
                    + "on two cores for thumbnails and HD frames alike.");
    public static final ConfigKey<String> IMAGE_JPEG_DECODER = oneOf("image.jpeg-decoder", "jdk",
            "JPEG decoder: jdk (refuses corrupt entropy-coded data) or libjpeg-turbo (TensorFlow's, about twice as "
                    + "fast, Pillow's pixels; like Pillow it decodes corrupt data instead of refusing it).",
            "jdk", "libjpeg-turbo");
    public static final ConfigKey<String> IMAGE_JPEG_SCALE = oneOf("image.jpeg-scale", "auto",
            "auto: with libjpeg-turbo, decode a large JPEG at 1/2, 1/4 or 1/8 size when that still leaves the resize "
                    + "step all the pixels it needs (far cheaper for HD frames; pixels close to, not equal to, "
                    + "Pillow's); exact: always decode the full size. The jdk decoder always decodes the full size.",
            "auto", "exact");

    // ---- output
    public static final ConfigKey<Integer> OUTPUT_TOP_K = integer("output.top-k", 5, 1, 1000,
            "Classes reported per image, best first (fewer if the model has fewer classes).");
    public static final ConfigKey<String> OUTPUT_FORMAT = oneOf("output.format", "json",
            "How results and dead letters are written: json (the result JSON, dead letters as the original record) "
                    + "or cloudevents (the same values as CloudEvents 1.0 in binary mode: ce_* headers).",
            "json", "cloudevents");
    public static final ConfigKey<String> OUTPUT_CLOUDEVENTS_SOURCE = string("output.cloudevents.source", null,
            "ce_source of results and dead letters when output.format=cloudevents; default "
                    + "/vggstream/<kafka.application.id>.", Rules::uriReference, Rules.URI_REFERENCE_EXPECTED);

    // ---- HTTP (health, readiness, metrics)
    public static final ConfigKey<Boolean> HTTP_ENABLED = bool("http.enabled", true,
            "Serve health, readiness and Prometheus metrics over HTTP.");
    public static final ConfigKey<String> HTTP_HOST = host("http.host", "127.0.0.1",
            "Address the HTTP server binds to; 0.0.0.0 for all interfaces (containers).");
    public static final ConfigKey<Integer> HTTP_PORT = integer("http.port", 8080, 0, 65_535,
            "Port of the HTTP server; 0 picks a free port (tests).");
    public static final ConfigKey<Boolean> HTTP_VIEW_ENABLED = bool("http.view.enabled", true,
            "Serve the live page on / (recent results with ids, sources and labels, dead letters, throughput).");
    public static final ConfigKey<Boolean> HTTP_VIEW_THUMBNAILS = bool("http.view.thumbnails", false,
            "Show small thumbnails of recent images on the live page (off: frames can be private).");

    // ---- logging
    public static final ConfigKey<String> LOG_FORMAT = oneOf("log.format", "text",
            "text (one line per event) or json (one JSON object per line, for log pipelines).", "text", "json");

    // ---- start-up
    public static final ConfigKey<Long> STARTUP_KAFKA_TIMEOUT_MS = duration("startup.kafka-timeout-ms", 30_000L, 1,
            TEN_MINUTES_MS, "Longest the start waits for Kafka (connect, topics, permissions) before exit code 4.");

    // ---- health
    public static final ConfigKey<Long> HEALTH_KAFKA_UNAVAILABLE_MS = duration("health.kafka-unavailable-ms", 15_000L,
            0, TEN_MINUTES_MS, "How long no broker may answer, or a topic the processor writes (results, dead letters, "
                    + "buffer changelog) have a partition without an answering leader or below its min.insync.replicas, "
                    + "before readiness goes down.");

    // ---- shutdown
    public static final ConfigKey<Long> SHUTDOWN_TIMEOUT_MS = duration("shutdown.timeout-ms", 30_000L, 0,
            TEN_MINUTES_MS, "Longest a clean shutdown may take (finish batches, commit offsets) before exiting.");

    // ---- Kafka: the keys the application gives a default; any other kafka.* key passes through unchecked
    public static final ConfigKey<String> KAFKA_APPLICATION_ID = string("kafka.application.id", "vggstream",
            "Kafka Streams application id: consumer group, and prefix of internal topics.",
            Rules::applicationId, Rules.APPLICATION_ID_EXPECTED);
    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = string("kafka.bootstrap.servers",
            "localhost:9092", "Brokers to connect to first.", Rules::bootstrapServers, Rules.BOOTSTRAP_EXPECTED);
    public static final ConfigKey<String> KAFKA_PROCESSING_GUARANTEE = oneOf("kafka.processing.guarantee",
            StreamsConfig.AT_LEAST_ONCE,
            "at_least_once (a crash may classify an image twice) or exactly_once_v2 (transactions; brokers >= 2.5).",
            StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2);

    private static final List<ConfigKey<?>> ALL = Collections.unmodifiableList(REGISTRY);
    private static final Map<String, ConfigKey<?>> BY_NAME = index(ConfigKey::name);
    private static final Map<String, ConfigKey<?>> BY_NORMALISED_NAME = index(k -> EnvNames.normalise(k.name()));

    private ConfigKeys() {
    }

    /** Every key, in declaration order (the order of the shipped properties file). */
    public static List<ConfigKey<?>> all() {
        return ALL;
    }

    public static Optional<ConfigKey<?>> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The key an environment variable overrides, matched on normalised names (see {@link EnvNames}). */
    public static Optional<ConfigKey<?>> findByEnvName(String variable) {
        if (!variable.startsWith(EnvNames.PREFIX)) {
            return Optional.empty();
        }
        String suffix = variable.substring(EnvNames.PREFIX.length());
        return Optional.ofNullable(BY_NORMALISED_NAME.get(EnvNames.normalise(suffix)));
    }

    private static Map<String, ConfigKey<?>> index(Function<ConfigKey<?>, String> name) {
        Map<String, ConfigKey<?>> map = new HashMap<>();
        for (ConfigKey<?> key : REGISTRY) {
            ConfigKey<?> clash = map.put(name.apply(key), key);
            // Two keys one variable name apart would make an environment override ambiguous.
            if (clash != null) {
                throw new IllegalStateException(clash + " and " + key + " both map to " + name.apply(key));
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static <T> ConfigKey<T> define(ConfigKey<T> key) {
        REGISTRY.add(key);
        return key;
    }

    private static ConfigKey<String> topic(String name, String def, String description) {
        return string(name, def, description, Rules::topic, Rules.TOPIC_EXPECTED);
    }

    private static ConfigKey<String> string(String name, String def, String description, Predicate<String> rule,
                                            String expected) {
        return define(new ConfigKey<>(name, ConfigType.STRING, def, description, Function.identity(), rule,
                expected, List.of()));
    }

    private static ConfigKey<String> host(String name, String def, String description) {
        return define(new ConfigKey<>(name, ConfigType.HOST, def, description, Function.identity(), Rules::host,
                "a host name, an IPv4 address or an IPv6 address", List.of()));
    }

    private static ConfigKey<String> oneOf(String name, String def, String description, String... allowed) {
        List<String> values = Arrays.asList(allowed);
        return define(new ConfigKey<>(name, ConfigType.ENUM, def, description, s -> s.toLowerCase(Locale.ROOT),
                values::contains, "one of " + String.join(", ", values), values));
    }

    private static ConfigKey<Boolean> bool(String name, boolean def, String description) {
        return define(new ConfigKey<>(name, ConfigType.BOOLEAN, def, description, ConfigKeys::parseBoolean,
                b -> true, "true or false", List.of()));
    }

    private static ConfigKey<Integer> integer(String name, Integer def, int min, int max, String description) {
        return define(new ConfigKey<>(name, ConfigType.INT, def, description, Integer::valueOf,
                v -> v >= min && v <= max, "an integer in " + min + ".." + max, List.of()));
    }

    private static ConfigKey<Long> number(String name, long def, long min, long max, String description) {
        return define(new ConfigKey<>(name, ConfigType.LONG, def, description, Long::valueOf,
                v -> v >= min && v <= max, "an integer in " + min + ".." + max, List.of()));
    }

    private static ConfigKey<Long> duration(String name, long def, long min, long max, String description) {
        return define(new ConfigKey<>(name, ConfigType.DURATION_MS, def, description, Long::valueOf,
                v -> v >= min && v <= max, "a duration in milliseconds in " + min + ".." + max, List.of()));
    }

    private static ConfigKey<Double> decimal(String name, double def, double min, double max, String description) {
        return define(new ConfigKey<>(name, ConfigType.DOUBLE, def, description, Rules::decimal,
                v -> v >= min && v <= max, "a number in " + min + ".." + max, List.of()));
    }

    private static ConfigKey<Path> path(String name, Path def, String description) {
        return define(new ConfigKey<>(name, ConfigType.PATH, def, description, Path::of, p -> true,
                "a file system path", List.of()));
    }

    private static Boolean parseBoolean(String s) {
        if (s.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException(s);
    }
}
