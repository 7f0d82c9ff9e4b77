package dev.vggstream.service;

import dev.vggstream.config.ConfigException;
import dev.vggstream.config.Redaction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the service asks of the cluster before it starts streaming: can we get in, and do the topics exist. */
public final class KafkaAdmin {

    private static final Logger log = LoggerFactory.getLogger(KafkaAdmin.class);

    /** A topic to create when missing. */
    public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    }

    private KafkaAdmin() {
    }

    /** The subset of Streams properties an admin client understands (so it does not warn about the rest). */
    public static Properties adminProperties(Properties streams) {
        Set<String> known = AdminClientConfig.configNames();
        Properties p = new Properties();
        for (String k : streams.stringPropertyNames()) {
            if (known.contains(k)) {
                p.put(k, streams.get(k));
            } else if (k.startsWith("admin.") && known.contains(k.substring(6))) {
                p.put(k.substring(6), streams.get(k));
            }
        }
        return p;
    }

    /**
     * Connects and authenticates within {@code timeout}; returns how many brokers the cluster has.
     *
     * @throws KafkaAccessException naming the servers and the reason: wrong credentials, no broker, no permission
     * @throws ConfigException      the {@code kafka.*} settings cannot make a client (a malformed JAAS config...)
     */
    public static int check(Properties admin, Duration timeout) throws KafkaAccessException {
        Properties p = (Properties) admin.clone();
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(timeout.toMillis(), 30_000)));
        String servers = String.valueOf(p.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin a = create(p, servers)) {
            return a.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException e) {
            // the admin client's own api timeout usually fires first: the same situation as ours below
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(servers, timeout, e.getCause());
            }
            throw explain(servers, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(servers, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while connecting to Kafka at " + servers, e);
        } catch (AuthenticationException e) {
            throw explain(servers, e);
        }
    }

    private static KafkaAccessException unreachable(String servers, Duration timeout, Throwable cause) {
        return new KafkaAccessException("cannot reach Kafka at " + servers + " within " + timeout.toSeconds()
                + " s (is it running, is kafka.bootstrap.servers right, and does kafka.security.protocol match"
                + " that listener?)", cause);
    }

    /**
     * The admin client, or a clear error when the {@code kafka.*} settings cannot make one. Kafka reports a
     * malformed {@code sasl.jaas.config}, a missing one or an unknown {@code security.protocol} as "Failed to create
     * new KafkaAdminClient", with the reason three causes down; the operator needs the reason.
     *
     * @throws ConfigException      the settings are unusable (exit code 3); the message is the root cause's, which
     *                              Kafka writes without secret values, scrubbed all the same
     * @throws KafkaAccessException no bootstrap server name resolves (exit code 4, like any unreachable cluster)
     */
    private static Admin create(Properties p, String servers) throws KafkaAccessException {
        try {
            return Admin.create(p);
        } catch (KafkaException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String reason = Redaction.scrub(String.valueOf(root.getMessage()));
            if (root instanceof org.apache.kafka.common.config.ConfigException && reason.contains("bootstrap")) {
                throw new KafkaAccessException("cannot reach Kafka at " + servers + ": " + reason, e);
            }
            throw new ConfigException("the kafka.* settings cannot make a Kafka client: " + reason);
        }
    }

    static KafkaAccessException explain(String servers, Throwable cause) {
        if (cause instanceof AuthenticationException) {
            return new KafkaAccessException("Kafka at " + servers + " refused our credentials: "
                    + cause.getMessage() + " (check kafka.sasl.jaas.config / kafka.security.protocol)", cause);
        }
        if (cause instanceof AuthorizationException) {
            return new KafkaAccessException("Kafka at " + servers + " does not allow this principal to describe "
                    + "the cluster: " + cause.getMessage(), cause);
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new KafkaAccessException("cannot reach Kafka at " + servers + " (" + cause.getMessage()
                    + "; is it running, and is kafka.bootstrap.servers right?)", cause);
        }
        return new KafkaAccessException("cannot use Kafka at " + servers + ": " + cause, cause);
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public static void createMissing(Properties admin, List<TopicSpec> topics, Duration timeout)
            throws KafkaAccessException {
        try (Admin a = Admin.create(admin)) {
            Set<String> existing = a.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), t.partitions(), t.replicationFactor())
                            .configs(new HashMap<>(t.configs())));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var e : a.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof TopicExistsException) {
                        continue; // another instance created it first
                    }
                    if (ex.getCause() instanceof AuthorizationException) {
                        log.warn("not allowed to create topic {}; assuming it is managed elsewhere", e.getKey());
                        continue;
                    }
                    throw explain(String.valueOf(admin.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)), ex.getCause());
                }
            }
        } catch (ExecutionException e) {
            throw explain(String.valueOf(admin.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaAccessException("timed out creating topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while creating topics", e);
        }
    }

    /**
     * Warns, naming each, about topics with a single replica on a cluster of several brokers: losing that one
     * broker loses their records. Best effort: a topic that cannot be described is not warned about.
     */
    public static List<String> warnUnreplicated(Properties admin, List<String> topics, int brokers, Duration timeout) {
        if (brokers < 2) {
            return List.of();
        }
        List<String> single = new ArrayList<>();
        try (Admin a = Admin.create(admin)) {
            for (var e : a.describeTopics(topics).topicNameValues().entrySet()) {
                try {
                    var d = e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    if (d.partitions().stream().anyMatch(p -> p.replicas().size() < 2)) {
                        single.add(e.getKey());
                        log.warn("topic {} has a single replica on a cluster of {} brokers: losing that broker loses "
                                + "its records (recreate it with replication factor 3)", e.getKey(), brokers);
                    }
                } catch (ExecutionException | TimeoutException ex) {
                    log.debug("cannot describe topic {}: {}", e.getKey(), String.valueOf(ex));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return single;
    }

    public static Duration defaultTimeout() {
        return Duration.ofSeconds(30);
    }
}
