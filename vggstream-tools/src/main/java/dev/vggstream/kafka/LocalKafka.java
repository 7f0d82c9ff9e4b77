package dev.vggstream.kafka;

import java.nio.file.Path;

/** A local Kafka the commands can start: one {@link LocalKafkaBroker} or a {@link LocalKafkaCluster}. */
public interface LocalKafka extends AutoCloseable {

    /** What clients put in {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Where the data is kept. */
    Path dataDir();

    @Override
    void close();

    /**
     * Starts one node (on {@code template}'s port) or, for {@code nodes > 1}, a replicated cluster on free ports.
     */
    static LocalKafka start(int nodes, LocalKafkaBroker.Builder template) {
        return nodes == 1 ? template.start() : LocalKafkaCluster.start(nodes, template);
    }
}
