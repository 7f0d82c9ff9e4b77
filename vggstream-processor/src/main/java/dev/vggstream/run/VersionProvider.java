package dev.vggstream.run;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version from the jar manifest, with the Kafka client version it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"vggstream " + (v == null ? "dev" : v), "Kafka clients " + kafkaVersion(),
                "TensorFlow Java 1.1.0"};
    }

    private static String kafkaVersion() {
        Properties p = new Properties();
        try (InputStream in = org.apache.kafka.clients.producer.KafkaProducer.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
