package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vggstream tail}: print what arrives on a topic (results, or dead letters with their reasons). */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print records of a topic as they arrive: JSON values as they are, others summarised with "
                + "their vggstream.* headers (dead letters).")
final class TailCommand implements Callable<Integer> {

    @CommandLine.Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--topic", defaultValue = "classifications", description = "Topic (default classifications)")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest")
    boolean fromBeginning;

    @Option(names = "--max", defaultValue = "0", description = "Stop after this many records (default 0: never)")
    long max;

    @Option(names = "--idle-timeout-ms", defaultValue = "0",
            description = "Stop when nothing arrives for this long (default 0: never)")
    long idleTimeoutMs;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> props = kafka.clientProperties();
        // only what is committed: with exactly_once_v2 an aborted attempt's results never show
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        PrintWriter out = spec.commandLine().getOut();
        long seen = 0;
        long lastArrival = System.currentTimeMillis();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            if (parts.isEmpty()) {
                throw new CliException(ExitCodes.FAILED, "topic " + topic + " does not exist");
            }
            consumer.assign(parts);
            if (fromBeginning) {
                consumer.seekToBeginning(parts);
            } else {
                consumer.seekToEnd(parts);
            }
            while (max == 0 || seen < max) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    out.println(format(r));
                    seen++;
                    lastArrival = System.currentTimeMillis();
                    if (max > 0 && seen >= max) {
                        break;
                    }
                }
                out.flush();
                if (idleTimeoutMs > 0 && System.currentTimeMillis() - lastArrival > idleTimeoutMs) {
                    break;
                }
            }
        }
        return ExitCodes.OK;
    }

    static String format(ConsumerRecord<byte[], byte[]> r) {
        byte[] v = r.value();
        if (v != null && v.length > 0 && v[0] == '{' && !hasErrorHeaders(r)) {
            return new String(v, StandardCharsets.UTF_8);
        }
        StringBuilder s = new StringBuilder();
        s.append(r.topic()).append('-').append(r.partition()).append('@').append(r.offset())
                .append(" key=").append(r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8))
                .append(" value=").append(v == null ? "null" : v.length + " bytes");
        for (Header h : r.headers()) {
            if (h.key().startsWith("vggstream.")) {
                s.append(' ').append(h.key()).append('=')
                        .append(h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        return s.toString();
    }

    private static boolean hasErrorHeaders(ConsumerRecord<byte[], byte[]> r) {
        return r.headers().lastHeader("vggstream.error.stage") != null;
    }
}
