package dev.vggstream.kafka;

import java.time.Duration;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives integration tests ONE three-node replicated cluster per test JVM, started on first use (about 10 s on an
 * idle 2-core machine, three JVMs of -Xmx512m) and stopped when the run ends. Tests that kill, freeze or restart
 * nodes must leave every node running with a full ISR when they finish (see {@link #heal()}), so the next test
 * finds the cluster whole.
 */
public final class KafkaClusterExtension implements BeforeAllCallback {

    public static final int NODES = 3;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaClusterExtension.class);

    private static LocalKafkaCluster shared;

    /** The cluster shared by the whole test JVM, started on the first call. */
    public static synchronized LocalKafkaCluster sharedCluster() {
        if (shared == null) {
            // a short stop timeout: a node stopped while the quorum is gone may never finish its controlled shutdown
            shared = LocalKafkaCluster.start(NODES, LocalKafkaBroker.builder()
                    .messageMaxBytes(KafkaBrokerExtension.SHARED_MESSAGE_MAX_BYTES)
                    .stopTimeout(Duration.ofSeconds(20))
                    // three JVMs starting at once on a busy 2-core machine took over a minute
                    .startTimeout(Duration.ofSeconds(180)));
        }
        return shared;
    }

    /** Resumes frozen nodes, starts stopped ones, and waits until every node is back in the cluster. */
    public static synchronized void heal() {
        if (shared == null) {
            return;
        }
        for (LocalKafkaBroker node : shared.nodes()) {
            if (node.isSuspended()) {
                node.resume();
            }
        }
        shared.start();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedClusterCloser.class, key -> new SharedClusterCloser(), SharedClusterCloser.class);
    }

    private static final class SharedClusterCloser implements AutoCloseable {

        @Override
        public void close() {
            synchronized (KafkaClusterExtension.class) {
                if (shared != null) {
                    shared.close();
                    shared = null;
                }
            }
        }
    }
}
