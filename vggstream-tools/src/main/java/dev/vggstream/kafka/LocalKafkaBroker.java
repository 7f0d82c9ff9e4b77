package dev.vggstream.kafka;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (combined KRaft broker + controller) running in a child JVM started from this
 * JVM's classpath, for the {@code broker} command, the demo and the integration tests.
 *
 * <p>A separate JVM rather than an in-process {@code KafkaRaftServer} so that killing, restarting and
 * crashing the broker behave like the real thing, and so the broker's threads, heap and logging never
 * mix with the application's.
 *
 * <p>Everything lives under {@link #dataDir()}: {@code kafka-logs/} (the broker's {@code log.dirs}),
 * the generated {@code server.properties} and {@code logback.xml}, and {@code broker.log} (the child's
 * stdout and stderr). A temporary data directory is deleted by {@link #close()}; a given one is kept so
 * a later broker can be started on it.
 *
 * <p>The child is stopped by a shutdown hook of this JVM. If this JVM is killed with SIGKILL (or
 * crashes) the hook cannot run and the broker is orphaned; find it by the
 * {@code -Dvggstream.parentPid=<pid>} it was started with and stop it by hand.
 */
public final class LocalKafkaBroker implements LocalKafka {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final String LOG_DIRS = "kafka-logs";
    private static final String LOG_FILE = "broker.log";
    private static final String SERVER_PROPERTIES = "server.properties";
    private static final String LOGBACK_XML = "logback.xml";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(2);
    /** Kafka's default socket.request.max.bytes; bigger records need a bigger request limit. */
    private static final int DEFAULT_SOCKET_REQUEST_MAX_BYTES = 100 * 1024 * 1024;
    private static final int LOG_TAIL_LINES = 40;
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ )");
    private static final Pattern SASL_USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Options options;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Thread shutdownHook = new Thread(this::onJvmShutdown, "local-kafka-broker-shutdown");

    /** Volatile so the addresses can be read without waiting for a start() in progress. */
    private volatile Ports ports;
    private boolean hookRegistered;
    private boolean closed;
    /** Volatile because the shutdown hook reads it without taking the monitor (start() may hold it). */
    private volatile Process process;
    private volatile boolean suspended;

    /**
     * Settings of a broker. Use {@link #builder()} rather than this constructor.
     *
     * @param dataDir          where the broker keeps everything; empty for a temporary directory
     *                         that {@link #close()} deletes. A given directory is never deleted.
     * @param port             PLAINTEXT listener port, 0 to pick a free one
     * @param controllerPort   KRaft controller listener port, 0 to pick a free one
     * @param saslPlain        an additional SASL_PLAINTEXT listener with the PLAIN mechanism
     * @param messageMaxBytes  the broker's {@code message.max.bytes} (largest record batch)
     * @param serverProperties applied last, so they override every generated property
     * @param maxHeap          the child's {@code -Xmx} value, e.g. {@code 512m}
     * @param jvmOptions       extra options for the child JVM
     * @param classpath        the child's classpath; must contain {@code kafka_2.13} and Logback
     * @param startTimeout     how long {@link #start()} waits for the broker to answer
     * @param stopTimeout      how long {@link #stop()} waits after SIGTERM before SIGKILL
     * @param node             this node's id and, in a cluster, the quorum it belongs to
     */
    public record Options(
            Optional<Path> dataDir,
            int port,
            int controllerPort,
            Optional<SaslPlain> saslPlain,
            OptionalInt messageMaxBytes,
            Map<String, String> serverProperties,
            String maxHeap,
            List<String> jvmOptions,
            String classpath,
            Duration startTimeout,
            Duration stopTimeout,
            Membership node) {

        public Options {
            requirePort(port, "port");
            requirePort(controllerPort, "controllerPort");
            messageMaxBytes.ifPresent(bytes -> {
                if (bytes <= 0) {
                    throw new IllegalArgumentException("messageMaxBytes must be positive: " + bytes);
                }
            });
            if (maxHeap == null || maxHeap.isBlank()) {
                throw new IllegalArgumentException("maxHeap must not be blank");
            }
            if (classpath == null || classpath.isBlank()) {
                throw new IllegalArgumentException("the broker needs a classpath (java.class.path is empty)");
            }
            requirePositive(startTimeout, "startTimeout");
            requirePositive(stopTimeout, "stopTimeout");
            Objects.requireNonNull(node, "node");
            serverProperties = Map.copyOf(serverProperties);
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    /**
     * A SASL_PLAINTEXT listener accepting the PLAIN mechanism.
     *
     * @param port  listener port, 0 to pick a free one
     * @param users user name to password
     */
    public record SaslPlain(int port, Map<String, String> users) {

        public SaslPlain {
            requirePort(port, "SASL port");
            if (users.isEmpty()) {
                throw new IllegalArgumentException("a SASL listener needs at least one user");
            }
            users.keySet().forEach(user -> {
                // the name becomes part of a JAAS option key (user_<name>), which only allows word characters
                if (!SASL_USER_NAME.matcher(user).matches()) {
                    throw new IllegalArgumentException("SASL user name must match " + SASL_USER_NAME + ": " + user);
                }
            });
            users = Map.copyOf(users);
        }
    }

    /**
     * Which KRaft quorum a node belongs to. A single node is a standalone quorum of its own; the nodes of a
     * {@link LocalKafkaCluster} share a cluster id and a static voter list ({@code controller.quorum.voters}),
     * because a static quorum needs no per-directory ids at format time and every node can be formatted alone.
     *
     * @param nodeId    {@code node.id}
     * @param clusterId the id every node is formatted with; empty for a random one (a single node)
     * @param voters    {@code controller.quorum.voters} ({@code id@host:port,...}); empty for a standalone node
     */
    public record Membership(int nodeId, Optional<String> clusterId, Optional<String> voters) {

        public static final Membership STANDALONE = new Membership(1, Optional.empty(), Optional.empty());

        public Membership {
            if (nodeId < 0) {
                throw new IllegalArgumentException("nodeId must not be negative: " + nodeId);
            }
            Objects.requireNonNull(clusterId, "clusterId");
            Objects.requireNonNull(voters, "voters");
        }
    }

    /** A topic for {@link #createTopics(Collection)}; {@code configs} are topic configs such as max.message.bytes. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {

        public TopicSpec {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("topic name must not be blank");
            }
            if (partitions <= 0) {
                throw new IllegalArgumentException("partitions must be positive: " + partitions);
            }
            configs = Map.copyOf(configs);
        }

        public static TopicSpec of(String name, int partitions) {
            return new TopicSpec(name, partitions, Map.of());
        }

        public TopicSpec withConfig(String key, String value) {
            Map<String, String> merged = new LinkedHashMap<>(configs);
            merged.put(key, value);
            return new TopicSpec(name, partitions, merged);
        }
    }

    /** Thrown when the broker process fails, dies or does not answer in time; carries the end of its log. */
    public static final class BrokerStartException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient Path logFile;
        private final String logTail;

        BrokerStartException(String reason, Path logFile, String logTail, Throwable cause) {
            super(reason + ". Broker log " + logFile + " ends with:\n" + logTail, cause);
            this.logFile = logFile;
            this.logTail = logTail;
        }

        public Path logFile() {
            return logFile;
        }

        public String logTail() {
            return logTail;
        }
    }

    private record Ports(int plaintext, int controller, int sasl) {
    }

    public LocalKafkaBroker(Options options) {
        this.options = options;
        this.ownsDataDir = options.dataDir().isEmpty();
        try {
            this.dataDir = ownsDataDir
                    ? Files.createTempDirectory("vggstream-kafka-")
                    : Files.createDirectories(options.dataDir().get()).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker (formatting the data directory first if it is new) and returns once it answers
     * an Admin {@code describeCluster()}. Does nothing if it is already running.
     *
     * @throws BrokerStartException if the broker exits, fails or does not answer within the start timeout;
     *                              the broker process is then gone
     */
    public synchronized LocalKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        if (isRunning()) {
            return this;
        }
        Instant begin = Instant.now();
        Instant deadline = begin.plus(options.startTimeout());
        if (ports == null) {
            // chosen once, so restart() comes back where clients expect it
            ports = resolvePorts();
        }
        writeConfiguration();
        if (!isFormatted()) {
            format(deadline);
        }
        long logOffset = logSize();
        process = launch(List.of("kafka.Kafka", configFile().toString()), "server");
        registerShutdownHook();
        awaitReady(deadline, logOffset);
        LOG.info("Kafka broker started at {} in {} ms (pid {}, log {})",
                bootstrapServers(), Duration.between(begin, Instant.now()).toMillis(), pid(), logFile());
        return this;
    }

    /** Stops the broker gracefully: SIGTERM, then SIGKILL after the stop timeout. Does nothing if it is not running. */
    public synchronized void stop() {
        Process running = process;
        if (running == null) {
            return;
        }
        if (suspended) {
            // a frozen process cannot act on SIGTERM
            resume();
        }
        terminate(running, options.stopTimeout());
        process = null;
    }

    /** Kills the broker with SIGKILL, as a crash would; returns once the process is gone. */
    public synchronized void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        awaitExit(running, Duration.ofSeconds(30));
        process = null;
        suspended = false;
    }

    /**
     * Freezes the broker with SIGSTOP, as a long GC pause, a stuck disk or a network cut would: the process and
     * its sockets stay, nothing answers. {@link #resume()} continues it.
     */
    public synchronized void suspend() {
        signal("STOP");
        suspended = true;
    }

    /** Continues a broker frozen by {@link #suspend()} (SIGCONT). */
    public synchronized void resume() {
        signal("CONT");
        suspended = false;
    }

    /** Frozen by {@link #suspend()} and not resumed yet. */
    public boolean isSuspended() {
        return suspended;
    }

    private void signal(String name) {
        long pid = pid();
        try {
            // the JDK sends only TERM and KILL; kill(1) is in every POSIX base system
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + name + " to " + pid, e);
        }
    }

    /** Stops the broker (if running) and starts it again on the same data directory and ports. */
    public synchronized LocalKafkaBroker restart() {
        stop();
        return start();
    }

    /** Stops the broker and deletes the data directory if it is a temporary one. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        unregisterShutdownHook();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    public synchronized boolean isRunning() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /** {@code node.id}. */
    public int nodeId() {
        return options.node().nodeId();
    }

    /** The PLAINTEXT listener, {@code 127.0.0.1:<port>}. */
    @Override
    public String bootstrapServers() {
        return HOST + ":" + requirePorts().plaintext();
    }

    /** The SASL_PLAINTEXT listener, {@code 127.0.0.1:<port>}. */
    public String saslBootstrapServers() {
        if (options.saslPlain().isEmpty()) {
            throw new IllegalStateException("this broker has no SASL listener");
        }
        return HOST + ":" + requirePorts().sasl();
    }

    /**
     * Client settings for the SASL_PLAINTEXT listener: bootstrap servers, security protocol, mechanism
     * and JAAS config for the given credentials.
     */
    public Map<String, Object> saslClientConfig(String username, String password) {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, saslBootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=" + jaasQuote(username) + " password=" + jaasQuote(password) + ";");
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    /** The child JVM's stdout and stderr, appended to on every start. */
    public Path logFile() {
        return dataDir.resolve(LOG_FILE);
    }

    /** Process id of the running broker JVM. */
    public synchronized long pid() {
        Process running = process;
        if (running == null) {
            throw new IllegalStateException("broker is not running");
        }
        return running.pid();
    }

    public Options options() {
        return options;
    }

    public void createTopics(TopicSpec... topics) {
        createTopics(List.of(topics));
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(List.of(new TopicSpec(name, partitions, configs)));
    }

    /**
     * Creates the topics, leaving existing ones as they are, and returns once every partition of every
     * topic has a leader, so clients can use them straight away.
     */
    public void createTopics(Collection<TopicSpec> topics) {
        List<NewTopic> newTopics = topics.stream()
                .map(topic -> new NewTopic(topic.name(), Optional.of(topic.partitions()), Optional.empty())
                        .configs(topic.configs()))
                .toList();
        Instant deadline = Instant.now().plus(options.startTimeout());
        try (Admin admin = Admin.create(adminConfig())) {
            for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    created.getValue().get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + created.getKey(), e.getCause());
                    }
                }
            }
            List<String> names = topics.stream().map(TopicSpec::name).toList();
            awaitLeaders(admin, names, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topics not created within " + options.startTimeout(), e);
        }
    }

    @Override
    public String toString() {
        Ports known = ports;
        return "LocalKafkaBroker[" + (known == null ? "not started" : HOST + ":" + known.plaintext())
                + ", dataDir=" + dataDir + "]";
    }

    // ---- starting -------------------------------------------------------------------------------------

    private Ports resolvePorts() {
        int saslPort = options.saslPlain().map(SaslPlain::port).orElse(-1);
        // hold every probe socket until all are chosen so the three ports differ
        List<ServerSocket> probes = new ArrayList<>();
        try {
            int plaintext = options.port() != 0 ? options.port() : freePort(probes);
            int controller = options.controllerPort() != 0 ? options.controllerPort() : freePort(probes);
            int sasl = saslPort < 0 ? 0 : saslPort != 0 ? saslPort : freePort(probes);
            return new Ports(plaintext, controller, sasl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports for the broker", e);
        } finally {
            probes.forEach(LocalKafkaBroker::closeQuietly);
        }
    }

    private static int freePort(List<ServerSocket> probes) throws IOException {
        ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        probes.add(probe);
        return probe.getLocalPort();
    }

    private void writeConfiguration() {
        Properties server = new Properties();
        server.putAll(serverProperties());
        try (OutputStream out = Files.newOutputStream(configFile())) {
            server.store(out, "Generated by LocalKafkaBroker; rewritten on every start");
            Files.writeString(dataDir.resolve(LOGBACK_XML), logbackConfiguration(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker configuration", e);
        }
    }

    private Map<String, String> serverProperties() {
        String plaintext = "PLAINTEXT://" + HOST + ":" + ports.plaintext();
        String controller = "CONTROLLER://" + HOST + ":" + ports.controller();
        String sasl = "SASL_PLAINTEXT://" + HOST + ":" + ports.sasl();
        boolean withSasl = options.saslPlain().isPresent();

        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(options.node().nodeId()));
        options.node().voters().ifPresentOrElse(voters -> props.put("controller.quorum.voters", voters),
                () -> props.put("controller.quorum.bootstrap.servers", HOST + ":" + ports.controller()));
        props.put("listeners", String.join(",", withSasl ? List.of(plaintext, controller, sasl) : List.of(plaintext, controller)));
        props.put("advertised.listeners", withSasl ? plaintext + "," + sasl : plaintext);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                + (withSasl ? ",SASL_PLAINTEXT:SASL_PLAINTEXT" : ""));
        // admin and broker-internal traffic stays unauthenticated; SASL is only for the clients under test
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDirs().toString());
        // one node: internal topics cannot have more than one replica (a cluster overrides these)
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // fewer internal partitions: the first group join or transaction creates them all, and a single
        // local node gains nothing from 50
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        // no one else is going to join: do not make the first consumer wait 3 s
        props.put("group.initial.rebalance.delay.ms", "0");
        // after a SIGKILL the controller refuses the new incarnation's registration until the old one's
        // session expires: 9 s by default. Heartbeats never leave this machine, so a short session is safe.
        props.put("broker.heartbeat.interval.ms", "500");
        props.put("broker.session.timeout.ms", "3000");
        options.messageMaxBytes().ifPresent(bytes -> {
            props.put("message.max.bytes", String.valueOf(bytes));
            if (bytes > DEFAULT_SOCKET_REQUEST_MAX_BYTES - 1024 * 1024) {
                // a produce request carries the batch plus headers; leave room for them
                props.put("socket.request.max.bytes", String.valueOf(bytes + 1024 * 1024));
            }
        });
        options.saslPlain().ifPresent(saslPlain -> {
            props.put("sasl.enabled.mechanisms", "PLAIN");
            props.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
            props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", serverJaasConfig(saslPlain));
        });
        props.putAll(options.serverProperties());
        return props;
    }

    private static String serverJaasConfig(SaslPlain saslPlain) {
        String users = saslPlain.users().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(user -> " user_" + user.getKey() + "=" + jaasQuote(user.getValue()))
                .collect(Collectors.joining());
        return "org.apache.kafka.common.security.plain.PlainLoginModule required" + users + ";";
    }

    /** JAAS values are parsed with a StreamTokenizer, which understands backslash escapes in quotes. */
    private static String jaasQuote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String logbackConfiguration() {
        // the broker's stdout is already redirected to broker.log, so log to the console
        return """
                <configuration>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder>
                      <pattern>%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>
                    </encoder>
                  </appender>
                  <!-- "Kafka Server started" and the shutdown line; everything else only when it matters -->
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <root level="WARN">
                    <appender-ref ref="STDOUT"/>
                  </root>
                </configuration>
                """;
    }

    private boolean isFormatted() {
        return Files.exists(logDirs().resolve("meta.properties"));
    }

    private void format(Instant deadline) {
        long logOffset = logSize();
        String clusterId = options.node().clusterId().orElseGet(() -> Uuid.randomUuid().toString());
        List<String> command = new ArrayList<>(List.of("kafka.tools.StorageTool", "format",
                "-t", clusterId, "-c", configFile().toString()));
        if (options.node().voters().isEmpty()) {
            command.add("--standalone");
        }
        Process formatter = launch(command, "format");
        try {
            if (!formatter.waitFor(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS)) {
                formatter.destroyForcibly();
                throw failure("formatting the data directory took longer than " + options.startTimeout(), logOffset, null);
            }
        } catch (InterruptedException e) {
            formatter.destroyForcibly();
            Thread.currentThread().interrupt();
            throw failure("interrupted while formatting the data directory", logOffset, e);
        }
        if (formatter.exitValue() != 0) {
            throw failure("formatting the data directory failed with exit code " + formatter.exitValue(), logOffset, null);
        }
    }

    private Process launch(List<String> mainAndArgs, String purpose) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + options.maxHeap());
        command.add("-Djava.awt.headless=true");
        command.add("-Dlogback.configurationFile=" + dataDir.resolve(LOGBACK_XML));
        // kafka-server calls the Log4j API, which complains on stderr that log4j-core is absent
        command.add("-Dlog4j2.statusLoggerLevel=OFF");
        // lets a person find brokers orphaned by a SIGKILLed parent: ps -ef | grep parentPid=<pid>
        command.add("-Dvggstream.parentPid=" + ProcessHandle.current().pid());
        if ("format".equals(purpose)) {
            // a one-second job: the C1 compiler alone starts it faster
            command.add("-XX:TieredStopAtLevel=1");
        }
        command.addAll(options.jvmOptions());
        command.addAll(mainAndArgs);

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        // through the environment rather than -cp: a long classpath makes an unreadable `ps` line
        builder.environment().put("CLASSPATH", absoluteClasspath(options.classpath()));
        try {
            Files.writeString(logFile(), "---- " + Instant.now() + " LocalKafkaBroker " + purpose + ": "
                            + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker JVM: " + command, e);
        }
    }

    /** `java -jar vggstream-tools/target/vggstream.jar` gives a relative classpath, but the child runs in the data directory. */
    private static String absoluteClasspath(String classpath) {
        return Arrays.stream(classpath.split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Returns once the broker answers describeCluster; on any failure the process is killed before throwing. */
    private void awaitReady(Instant deadline, long logOffset) {
        Process running = process;
        try {
            pollUntilReady(running, deadline, logOffset);
        } catch (RuntimeException e) {
            running.destroyForcibly();
            awaitExit(running, Duration.ofSeconds(30));
            process = null;
            throw e;
        }
    }

    private void pollUntilReady(Process running, Instant deadline, long logOffset) {
        Throwable lastError = null;
        Admin admin = null;
        try {
            while (true) {
                // waiting on the process rather than sleeping notices a broker that dies at once
                if (running.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw failure("the broker exited with code " + running.exitValue() + " while starting", logOffset, lastError);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw failure("the broker did not answer within " + options.startTimeout(), logOffset, lastError);
                }
                // a plain TCP probe first: an Admin client would log a warning per refused connection
                if (admin == null && !acceptsConnections(ports.plaintext())) {
                    continue;
                }
                if (admin == null) {
                    admin = Admin.create(adminConfig());
                }
                try {
                    int callTimeout = (int) Math.max(1, Math.min(ADMIN_CALL_TIMEOUT.toMillis(), remaining(deadline).toMillis()));
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(callTimeout))
                            .nodes().get();
                    // the broker lists itself only once the controller has unfenced it
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    lastError = e.getCause();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the broker", logOffset, e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        }
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), (int) POLL_INTERVAL.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitLeaders(Admin admin, List<String> topics, Instant deadline)
            throws InterruptedException, TimeoutException {
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics)
                        .allTopicNames().get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
                boolean allLed = descriptions.values().stream()
                        .flatMap(description -> description.partitions().stream())
                        .map(TopicPartitionInfo::leader)
                        .allMatch(leader -> leader != null && !leader.isEmpty());
                if (allLed) {
                    return;
                }
            } catch (ExecutionException e) {
                // the broker's metadata can trail the controller for a moment right after creation
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topics " + topics, e.getCause());
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("partitions of " + topics + " have no leader");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
        }
    }

    private Map<String, Object> adminConfig() {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-broker-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_CALL_TIMEOUT.toMillis() * 5,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) options.startTimeout().toMillis());
    }

    // ---- stopping -------------------------------------------------------------------------------------

    private static void terminate(Process running, Duration gracePeriod) {
        running.destroy();
        if (!awaitExit(running, gracePeriod)) {
            LOG.warn("Kafka broker (pid {}) ignored SIGTERM for {}; killing it", running.pid(), gracePeriod);
            running.destroyForcibly();
            awaitExit(running, Duration.ofSeconds(30));
        }
    }

    private static boolean awaitExit(Process running, Duration timeout) {
        try {
            return running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.destroyForcibly();
            return false;
        }
    }

    private synchronized void registerShutdownHook() {
        if (!hookRegistered) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            hookRegistered = true;
        }
    }

    private void unregisterShutdownHook() {
        if (hookRegistered) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to; it does the same cleanup
            }
            hookRegistered = false;
        }
    }

    /** Runs without the monitor: the thread holding it may be the one blocked in start() while the JVM exits. */
    private void onJvmShutdown() {
        Process running = process;
        if (running != null && running.isAlive()) {
            terminate(running, options.stopTimeout());
        }
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private Ports requirePorts() {
        Ports known = ports;
        if (known == null) {
            throw new IllegalStateException("broker has not been started yet");
        }
        return known;
    }

    private Path logDirs() {
        return dataDir.resolve(LOG_DIRS);
    }

    private Path configFile() {
        return dataDir.resolve(SERVER_PROPERTIES);
    }

    private long logSize() {
        try {
            return Files.exists(logFile()) ? Files.size(logFile()) : 0L;
        } catch (IOException e) {
            return 0L;
        }
    }

    private BrokerStartException failure(String reason, long logOffset, Throwable cause) {
        return new BrokerStartException(reason, logFile(), logTail(logOffset), cause);
    }

    /** The last lines the broker wrote since {@code fromOffset}, i.e. since this start began. */
    private String logTail(long fromOffset) {
        try (RandomAccessFile log = new RandomAccessFile(logFile().toFile(), "r")) {
            long start = Math.max(fromOffset, log.length() - 64 * 1024);
            byte[] bytes = new byte[(int) (log.length() - start)];
            log.seek(start);
            log.readFully(bytes);
            // stack frames would crowd out the messages; the full traces stay in the file
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines()
                    .filter(line -> !STACK_FRAME.matcher(line).find())
                    .toList();
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read the broker log: " + e + ")";
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete broker data directory {}", root, e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // only a probe
        }
    }

    private static void requirePort(int port, String name) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " must be 0 (pick a free one) or a TCP port: " + port);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    // ---- builder --------------------------------------------------------------------------------------

    /** Builds {@link Options}; every setting has a default suited to tests and the demo. */
    public static final class Builder {

        private Path dataDir;
        private int port;
        private int controllerPort;
        private SaslPlain saslPlain;
        private Integer messageMaxBytes;
        private final Map<String, String> serverProperties = new LinkedHashMap<>();
        private String maxHeap = "512m";
        private final List<String> jvmOptions = new ArrayList<>();
        private String classpath = System.getProperty("java.class.path", "");
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private Membership node = Membership.STANDALONE;

        private Builder() {
        }

        /** Keep the broker's data here (created if missing, never deleted) instead of in a temporary directory. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** Adds a SASL_PLAINTEXT listener on a free port, accepting these users (name to password) with PLAIN. */
        public Builder saslPlain(Map<String, String> users) {
            return saslPlain(0, users);
        }

        public Builder saslPlain(int port, Map<String, String> users) {
            this.saslPlain = new SaslPlain(port, users);
            return this;
        }

        public Builder messageMaxBytes(int bytes) {
            this.messageMaxBytes = bytes;
            return this;
        }

        public Builder serverProperty(String key, String value) {
            serverProperties.put(key, value);
            return this;
        }

        public Builder serverProperties(Map<String, String> properties) {
            serverProperties.putAll(properties);
            return this;
        }

        /** The child's -Xmx value, e.g. {@code 1g}. */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = maxHeap;
            return this;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** This node's id and quorum; {@link Membership#STANDALONE} unless it is part of a cluster. */
        public Builder node(Membership membership) {
            this.node = membership;
            return this;
        }

        public Options options() {
            return new Options(Optional.ofNullable(dataDir), port, controllerPort, Optional.ofNullable(saslPlain),
                    messageMaxBytes == null ? OptionalInt.empty() : OptionalInt.of(messageMaxBytes),
                    serverProperties, maxHeap, jvmOptions, classpath, startTimeout, stopTimeout, node);
        }

        /** A broker that is not started yet. */
        public LocalKafkaBroker build() {
            return new LocalKafkaBroker(options());
        }

        /** Builds and starts the broker; closes it again if it cannot start. */
        public LocalKafkaBroker start() {
            LocalKafkaBroker broker = build();
            try {
                return broker.start();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }
    }
}
