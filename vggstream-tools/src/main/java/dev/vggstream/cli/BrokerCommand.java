package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.kafka.LocalKafkaBroker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code vggstream broker}: a local single-node Kafka (KRaft) for trying {@code run} by hand. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start a local single-node Kafka broker (KRaft, its own JVM) and keep it up until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default 9092; 0 picks a free one)")
    int port;

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
        LocalKafkaBroker.Builder b = LocalKafkaBroker.builder().port(port).messageMaxBytes(messageMaxBytes);
        if (dataDir != null) {
            b.dataDir(dataDir);
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (LocalKafkaBroker broker = b.start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                stop.countDown();
            }, "vggstream-broker-stop"));
            PrintWriter out = spec.commandLine().getOut();
            out.println("Kafka is up at " + broker.bootstrapServers() + " (data in " + broker.dataDir() + ")");
            out.println("Try: VGGSTREAM_KAFKA_BOOTSTRAP_SERVERS=" + broker.bootstrapServers() + " ./vggstream run");
            out.println("Ctrl-C stops it.");
            out.flush();
            stop.await();
        }
        return ExitCodes.OK;
    }
}
