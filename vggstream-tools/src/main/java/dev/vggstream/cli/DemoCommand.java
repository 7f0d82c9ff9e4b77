package dev.vggstream.cli;

import dev.vggstream.demo.DemoRun;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code vggstream demo}: the whole pipeline on this machine with nothing installed: a real Kafka broker (its own
 * JVM, loopback, temporary directory), a small model, a few dozen sample images published as camera events, the
 * processor classifying them in batches, every result printed as it arrives, a summary, and a clean exit.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run everything locally: Kafka broker, processor, sample images; print results and a summary.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--guarantee", defaultValue = "at_least_once",
            description = "at_least_once or exactly_once_v2 (default at_least_once)")
    String guarantee;

    @Option(names = "--batch-size", defaultValue = "8", description = "batch.max-size (default 8)")
    int batchSize;

    @Option(names = "--batch-wait-ms", defaultValue = "50", description = "batch.max-wait-ms (default 50)")
    long batchWaitMs;

    @Option(names = "--cameras", defaultValue = "4", description = "Sources the samples are spread over (default 4)")
    int cameras;

    @Option(names = "--nodes", defaultValue = "1", description = "Kafka nodes; 3 gives a replicated cluster "
            + "(replication factor 3, min.insync.replicas 2) (default 1)")
    int nodes;

    @Option(names = "--keep", description = "After the summary, keep the broker, the processor and its live view "
            + "up until Ctrl-C, and keep the temporary directory (broker data, model, samples)")
    boolean keep;

    @Option(names = "--http-port", defaultValue = "0", description = "Port of the live view and metrics on "
            + "127.0.0.1 (default 0: a free port, printed)")
    int httpPort;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be at least 1");
        }
        DemoRun.run(new DemoRun.Options(guarantee, batchSize, batchWaitMs, cameras, nodes, keep, httpPort),
                spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
