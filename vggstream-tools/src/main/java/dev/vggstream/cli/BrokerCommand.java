package dev.vggstream.cli;

import dev.vggstream.kafka.LocalKafka;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.kafka.LocalKafkaBroker;
import dev.vggstream.kafka.LocalKafkaCluster;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code vggstream broker}: a local Kafka (KRaft) of one or more nodes for trying {@code run} by hand. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start a local Kafka (KRaft, a JVM per node) and keep it up until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092",
            description = "Client port of a single node (default 9092; 0 picks a free one; a cluster picks free ports)")
    int port;

    @Option(names = "--nodes", defaultValue = "1", description = "Nodes (combined broker + controller); "
            + "with 3 or more every topic gets replication factor 3 and min.insync.replicas 2 (default 1)")
    int nodes;

    @Option(names = "--data-dir", description = "Keep the broker's data here (default: a temporary directory, "
            + "deleted on exit)")
    Path dataDir;

    @Option(names = "--message-max-bytes", defaultValue = "16777216",
            description = "Largest record the broker accepts (default 16 MiB)")
    int messageMaxBytes;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be at least 1");
        }
        LocalKafkaBroker.Builder b = LocalKafkaBroker.builder().messageMaxBytes(messageMaxBytes);
        if (dataDir != null) {
            b.dataDir(dataDir);
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (LocalKafka kafka = LocalKafka.start(nodes, b.port(port))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                stop.countDown();
            }, "vggstream-broker-stop"));
            PrintWriter out = spec.commandLine().getOut();
            out.println("Kafka is up at " + kafka.bootstrapServers() + " (" + nodes + (nodes == 1 ? " node" : " nodes")
                    + ", data in " + kafka.dataDir() + ")");
            if (nodes > 1) {
                out.println("Replication: " + LocalKafkaCluster.replicationProperties(nodes));
            }
            out.println("Try: VGGSTREAM_KAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrapServers() + " ./vggstream run");
            out.println("Ctrl-C stops it.");
            out.flush();
            stop.await();
        }
        return ExitCodes.OK;
    }
}
