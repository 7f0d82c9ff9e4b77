package dev.vggstream.cli;

import dev.vggstream.run.CliConfig;
import dev.vggstream.config.AppConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Where the producer and tail commands find Kafka: a bootstrap list, or the processor's own configuration. */
final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, description = "Kafka bootstrap servers (default: from --config, "
            + "else localhost:9092)")
    String bootstrapServers;

    @Option(names = "--config", description = "Take kafka.* settings (servers, SASL/SSL) from this properties file")
    Path config;

    /** Client properties: every kafka.* setting of the configuration, servers overridden by the option. */
    Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>();
        AppConfig c = CliConfig.load(config);
        p.putAll(c.kafkaProperties());
        // Streams-only keys mean nothing to plain clients
        p.remove("application.id");
        p.remove("processing.guarantee");
        if (bootstrapServers != null) {
            p.put("bootstrap.servers", bootstrapServers);
        }
        return p;
    }
}
