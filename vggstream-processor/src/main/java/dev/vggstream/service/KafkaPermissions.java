package dev.vggstream.service;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka permissions the processor needs (docs/security.md lists them as ACLs), checked before streaming, and
 * Kafka's authorization errors turned into messages that name the missing operation and resource.
 *
 * <p>The topic check matters most for the output and dead-letter topics: without it a missing WRITE shows only when
 * the first result or dead letter is written, possibly hours after the start. The group, the internal topics and
 * the transactional ids are checked by Kafka Streams itself within seconds of the start (joining the group,
 * creating the changelog, initialising the transactional producer); {@link #explain} names what it was refused.
 */
public final class KafkaPermissions {

    private static final String SEE = " (docs/security.md lists the ACLs the processor needs)";
    /** Marks a topic that does not exist (compared by identity). */
    private static final Set<AclOperation> MISSING = new java.util.HashSet<>();

    /** An operation the processor needs on a topic, and the setting that names that topic. */
    public record TopicAccess(String topic, AclOperation operation, String key) {
    }

    /** What the processor's Kafka identity is: its application id (group, prefix) and whether it is transactional. */
    public record Identity(String applicationId, boolean exactlyOnce, Map<String, String> topicKeys) {
    }

    private KafkaPermissions() {
    }

    /**
     * Checks that the principal may do {@code needed} on each topic, with the authorized operations Kafka reports
     * for it. CREATE is needed only while the topic does not exist; the other operations only on a topic that
     * exists (a missing input topic is Streams' to report). A broker that reports no operations is not checked.
     *
     * @throws KafkaAccessException naming the first missing operation and its topic
     */
    public static void checkTopics(Properties admin, List<TopicAccess> needed, Duration timeout)
            throws KafkaAccessException {
        List<String> names = needed.stream().map(TopicAccess::topic).distinct().toList();
        String servers = String.valueOf(admin.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin a = Admin.create(admin)) {
            Map<String, KafkaFuture<TopicDescription>> described = a.describeTopics(names,
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
            for (TopicAccess t : needed) {
                Set<AclOperation> allowed = allowed(described.get(t.topic()), timeout, servers);
                boolean exists = allowed != MISSING;
                boolean refused = t.operation() == AclOperation.CREATE ? !exists
                        : exists && allowed != null && !allows(allowed, t.operation());
                if (refused) {
                    throw new KafkaAccessException(missing(servers, t.operation(), "TOPIC", t.topic(), t.key()),
                            null);
                }
            }
        }
    }

    /** The operations allowed on a topic; empty if not even DESCRIBE; MISSING if it does not exist; null if unknown. */
    private static Set<AclOperation> allowed(KafkaFuture<TopicDescription> f, Duration timeout, String servers)
            throws KafkaAccessException {
        try {
            Set<AclOperation> ops = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS).authorizedOperations();
            return ops == null || ops.isEmpty() ? null : ops;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return Set.of();
            }
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return MISSING;
            }
            return null;
        } catch (TimeoutException e) {
            throw new KafkaAccessException("timed out asking Kafka at " + servers + " for topic permissions", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while asking Kafka for topic permissions", e);
        }
    }

    /** ALL covers everything; READ, WRITE, DELETE and ALTER imply DESCRIBE, as in Kafka's authorizer. */
    static boolean allows(Set<AclOperation> allowed, AclOperation op) {
        return allowed.contains(op) || allowed.contains(AclOperation.ALL);
    }

    private static String missing(String servers, AclOperation op, String type, String name, String key) {
        return "Kafka at " + servers + " does not allow this principal " + op + " on " + type + " '" + name + "'"
                + (key == null ? "" : " (" + key + ")") + SEE;
    }

    /**
     * A clear message for an authorization error Kafka Streams met: which operation on which resource this
     * processor needs, as far as the exception and the processor's own identity tell.
     */
    public static String explain(AuthorizationException e, Identity id) {
        String prefix = id.applicationId() + "-";
        if (e instanceof TopicAuthorizationException t) {
            List<String> parts = new ArrayList<>();
            for (String topic : t.unauthorizedTopics()) {
                parts.add(topicNeed(topic, prefix, id.topicKeys()));
            }
            return "Kafka refused access to " + (parts.isEmpty() ? "a topic (" + e.getMessage() + ")"
                    : String.join("; ", parts)) + SEE;
        }
        if (e instanceof GroupAuthorizationException g) {
            return "Kafka refused READ on GROUP '" + (g.groupId() == null ? id.applicationId() : g.groupId())
                    + "' (the Streams consumer group, named by kafka.application.id)" + SEE;
        }
        if (e instanceof TransactionalIdAuthorizationException) {
            return "Kafka refused WRITE on TRANSACTIONAL_ID prefixed '" + prefix + "' (exactly_once_v2's "
                    + "transactional producers are named " + prefix + "<process id>-<thread>)" + SEE;
        }
        if (e instanceof ClusterAuthorizationException) {
            return "Kafka refused an operation on the CLUSTER: " + e.getMessage() + SEE;
        }
        return "Kafka refused access: " + e.getMessage() + SEE;
    }

    private static String topicNeed(String topic, String prefix, Map<String, String> keys) {
        String key = keys.get(topic);
        if (key != null) {
            String op = key.endsWith("input") ? "READ" : "WRITE";
            return op + " on TOPIC '" + topic + "' (" + key + ")";
        }
        if (topic.startsWith(prefix)) {
            return "CREATE, READ or WRITE on TOPIC '" + topic + "' (an internal topic: ACLs on"
                    + " topics prefixed '" + prefix + "')";
        }
        return "TOPIC '" + topic + "'";
    }
}
