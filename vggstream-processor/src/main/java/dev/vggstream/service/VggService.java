package dev.vggstream.service;

import dev.vggstream.batch.BatchDispatcher;
import dev.vggstream.batch.DecodePool;
import dev.vggstream.batch.BatchListener;
import dev.vggstream.config.AppConfig;
import dev.vggstream.event.EventParser;
import dev.vggstream.inference.DeviceConfig;
import dev.vggstream.inference.Devices;
import dev.vggstream.inference.ModelException;
import dev.vggstream.topology.OutcomeListener;
import dev.vggstream.topology.ProcessorSettings;
import dev.vggstream.topology.VggTopology;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One running processor instance: model loaded and warmed once, a dispatcher shared by all stream threads, the
 * topology, Kafka Streams. Start more instances with the same {@code kafka.application.id} to scale out.
 * {@link #close()} stops in the safe order: streams (commits what was answered; the rest stays in the changelogged
 * buffer), then the dispatcher, then the model.
 */
public final class VggService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VggService.class);
    /** Stream threads replaced more often than this per minute mean a real fault (unless Kafka is away): stop. */
    private static final int MAX_REPLACEMENTS_PER_MINUTE = 5;

    /** Hooks for metrics; all default to nothing. */
    public record Listeners(BatchListener batches, OutcomeListener outcomes, ModelListener models) {
        public Listeners(BatchListener batches, OutcomeListener outcomes) {
            this(batches, outcomes, ModelListener.NONE);
        }

        public static Listeners none() {
            return new Listeners(BatchListener.NONE, OutcomeListener.NONE, ModelListener.NONE);
        }
    }

    private final AppConfig config;
    private final Health health;
    private final ModelHolder model;
    private final BatchDispatcher dispatcher;
    /** Null with {@code image.decode-threads=0}. */
    private final DecodePool decodePool;
    private final KafkaStreams streams;
    private final ModelWatcher watcher;
    private final DeviceConfig device;
    private volatile KafkaMonitor monitor;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ThreadReplacements replacements =
            new ThreadReplacements(MAX_REPLACEMENTS_PER_MINUTE, System::currentTimeMillis);
    private final Properties admin;
    private final AtomicBoolean internalChecked = new AtomicBoolean();
    private volatile Throwable fatal;

    private VggService(AppConfig config, Health health, ModelHolder model, BatchDispatcher dispatcher,
                       DecodePool decodePool, KafkaStreams streams, ModelWatcher watcher, DeviceConfig device,
                       Properties admin) {
        this.decodePool = decodePool;
        this.admin = admin;
        this.config = config;
        this.health = health;
        this.model = model;
        this.dispatcher = dispatcher;
        this.streams = streams;
        this.watcher = watcher;
        this.device = device;
    }

    /**
     * Checks Kafka, creates missing topics, loads and warms the model, and starts streaming. Returns once Kafka
     * Streams is started (not necessarily RUNNING yet: see {@link #awaitRunning}).
     */
    public static VggService start(AppConfig config, Health health, Listeners listeners)
            throws KafkaAccessException, ModelException, Devices.DeviceUnavailableException {
        log.info("effective configuration:\n  {}", String.join("\n  ", config.effectiveLines()));
        config.warnings().forEach(w -> log.warn("configuration: {}", w));
        // the device is known in milliseconds: refuse a missing GPU before connecting or loading anything
        DeviceConfig device = chooseDevice(config);
        Properties admin = KafkaAdmin.adminProperties(StreamsProperties.of(config));
        Duration kafkaTimeout = Duration.ofMillis(config.startupKafkaTimeoutMs());
        int brokers = KafkaAdmin.check(admin, kafkaTimeout);
        Replication replication = Replication.resolve(config.topicsReplicationFactor(), brokers);
        log.info("{} broker(s): topics created with replication factor {}{}", brokers, replication.factor(),
                replication.minIsr().isPresent() ? " and min.insync.replicas " + replication.minIsr().getAsInt() : "");
        Properties props = StreamsProperties.of(config, replication);
        if (config.topicsCreate()) {
            KafkaAdmin.createMissing(admin, Settings.topicSpecs(config, replication), kafkaTimeout);
        }
        KafkaPermissions.checkTopics(admin, Settings.topicAccess(config), kafkaTimeout);
        KafkaAdmin.warnUnreplicated(admin, List.of(config.topicsInput(), config.topicsOutput(), config.topicsDlq()),
                brokers, kafkaTimeout);
        ModelHolder model = loadModel(config, device);
        Warmup.imagePath(new EventParser(Settings.eventLimits(config)), model.peek().pipeline(),
                config.inferenceWarmupImages());
        Rehearsal.run(config, props, model.peek(), config.inferenceRehearsalImages());
        health.modelReady(true);
        listeners.models().served(model.info(), device.describe());
        BatchDispatcher dispatcher = null;
        DecodePool pool = null;
        ModelWatcher watcher = null;
        try {
            dispatcher = BatchDispatcher.async(model, Settings.batchSettings(config), listeners.batches());
            pool = Settings.decodePool(config, dispatcher);
            log.info(pool == null ? "images decoded on the stream threads (image.decode-threads=0)"
                    : "decode pool of {} threads (image.decode-threads)", Settings.decodeThreads(config));
            ProcessorSettings ps = Settings.processorSettings(config, dispatcher, listeners.outcomes(), props)
                    .withDecodePool(pool);
            Topology topology = VggTopology.build(Settings.topics(config), ps,
                    StreamsProperties.changelogConfig(config));
            log.debug("topology:\n{}", topology.describe());
            if (config.modelPollIntervalMs() > 0) {
                watcher = new ModelWatcher(model, health, listeners.models(), device.describe(),
                        Settings.warmupSizes(config), config.modelPollIntervalMs());
            }
            BatchDispatcher d = dispatcher;
            DecodePool p = pool;
            ModelWatcher w = watcher;
            VggService service = launch(new KafkaStreams(topology, props),
                    streams -> new VggService(config, health, model, d, p, streams, w, device, admin));
            service.monitor = KafkaMonitor.start(admin, Settings.writtenTopics(config),
                    replication.minIsr().orElse(1), health, config.healthKafkaUnavailableMs());
            return service;
        } catch (RuntimeException e) {
            if (watcher != null) {
                watcher.close();
            }
            if (pool != null) {
                pool.close();
            }
            if (dispatcher != null) {
                dispatcher.close();
            }
            model.close();
            throw e;
        }
    }

    /**
     * Makes the service around {@code streams} and starts it; if either fails, closes {@code streams} (its clients
     * and threads exist from its constructor on) before the failure goes up.
     */
    static VggService launch(KafkaStreams streams, Function<KafkaStreams, VggService> service) {
        try {
            VggService s = service.apply(streams);
            streams.setStateListener((now, before) -> s.stateChanged(now));
            streams.setUncaughtExceptionHandler(s::uncaught);
            streams.start();
            return s;
        } catch (RuntimeException e) {
            streams.close(Duration.ZERO);
            throw e;
        }
    }

    /** What TensorFlow sees, logged, and the device to run on. */
    public static DeviceConfig chooseDevice(AppConfig c) throws Devices.DeviceUnavailableException {
        DeviceConfig wanted = Settings.device(c);
        List<Devices.Device> seen = Devices.list();
        log.info("TensorFlow sees: {}", Devices.describe(seen));
        return Devices.resolve(wanted, seen);
    }

    static ModelHolder loadModel(AppConfig c, DeviceConfig device) throws ModelException {
        ModelHolder holder = ModelHolder.load(c.modelPath(), Settings.classifierOptions(c, device),
                Settings.imageDecoder(c), Settings.readinessWarmupSizes(c));
        log.info("serving model {} v{} ({}x{}, {} classes, {} preprocessing) on {}", holder.info().name(),
                holder.info().version(), holder.info().width(), holder.info().height(), holder.info().numClasses(),
                holder.info().preprocessing().id(), device.describe());
        return holder;
    }

    /**
     * Once RUNNING, Streams has created its changelog: check the permissions that otherwise show only when the first
     * image is buffered (WRITE), so that a missing ACL stops the processor at start, not at the first record.
     */
    private void checkInternalTopics() {
        try {
            KafkaPermissions.checkTopics(admin, Settings.internalAccess(config),
                    Duration.ofMillis(config.startupKafkaTimeoutMs()));
        } catch (KafkaAccessException e) {
            fatal = e;
            health.failed(e.getMessage());
            log.error("{}. Stopping.", e.getMessage());
            stopped.countDown();
        }
    }

    private void stateChanged(KafkaStreams.State now) {
        health.streamsState(now);
        log.info("Kafka Streams is {}", now);
        if (now == KafkaStreams.State.RUNNING && !internalChecked.getAndSet(true)) {
            Thread check = new Thread(this::checkInternalTopics, "vggstream-permission-check");
            check.setDaemon(true);
            check.start();
        }
        if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
        }
    }

    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse uncaught(Throwable e) {
        Throwable root = rootCause(e);
        if (root instanceof AuthenticationException || root instanceof AuthorizationException) {
            String why = root instanceof AuthorizationException a ? explain(a)
                    : "Kafka refused access: " + root.getMessage();
            fatal = new KafkaAccessException(why, root);
            health.failed(why);
            log.error("{}. Stopping.", why);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        boolean kafkaAway = !health.kafkaUsable() || ThreadReplacements.kafkaAway(root);
        if (!replacements.replace(root, health.kafkaUsable())) {
            fatal = e;
            health.failed(String.valueOf(root));
            log.error("stream threads keep failing; stopping", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        log.warn("a stream thread failed; replacing it (its tasks resume from their last commit){}",
                kafkaAway ? ": Kafka is away, it waits for it" : "", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /**
     * Names what Kafka refused. A refused internal topic is looked at again, because Streams reports a refused
     * CREATE without the topic's name: the changelog's own permissions say which operation is missing.
     */
    private String explain(AuthorizationException e) {
        if (e instanceof org.apache.kafka.common.errors.TopicAuthorizationException t
                && (t.unauthorizedTopics().isEmpty()
                || t.unauthorizedTopics().stream().anyMatch(n -> n.startsWith(config.kafkaApplicationId() + "-")))) {
            try {
                KafkaPermissions.checkTopics(admin, Settings.internalAccess(config), Duration.ofSeconds(10));
            } catch (KafkaAccessException precise) {
                return precise.getMessage();
            }
        }
        return KafkaPermissions.explain(e, Settings.identity(config));
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return t;
            }
            t = t.getCause();
        }
        return t;
    }

    /** Waits until Kafka Streams is RUNNING. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!s.isRunningOrRebalancing() && s != KafkaStreams.State.CREATED) {
                return false;
            }
            if (stopped.await(20, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    /** Blocks until streaming stops (shutdown or a fatal error). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** The error that stopped the service, if any. */
    public Throwable fatal() {
        return fatal;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public ModelHolder model() {
        return model;
    }

    public BatchDispatcher dispatcher() {
        return dispatcher;
    }

    public Health health() {
        return health;
    }

    public AppConfig config() {
        return config;
    }

    /** Where inference runs. */
    public DeviceConfig device() {
        return device;
    }

    @Override
    public void close() {
        Duration timeout = Duration.ofMillis(config.shutdownTimeoutMs());
        log.info("stopping: closing Kafka Streams (up to {} s)", timeout.toSeconds());
        if (watcher != null) {
            watcher.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        boolean clean = streams.close(timeout);
        if (!clean) {
            log.warn("Kafka Streams did not close within {} s; unanswered images stay in the buffer changelog",
                    timeout.toSeconds());
        }
        if (decodePool != null) {
            decodePool.close();
        }
        dispatcher.close();
        model.close();
        health.modelReady(false);
        stopped.countDown();
        log.info("stopped");
    }
}
