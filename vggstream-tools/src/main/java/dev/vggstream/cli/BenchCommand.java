package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.bench.BenchSuite;
import dev.vggstream.bench.PeerSides;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vggstream bench}: the performance suite (model alone, end to end, per-record baseline, pipeline ceiling,
 * latency, batch fill, scale-out) against a local broker, in one process so ratios are fair on a noisy machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (not tests). Without a subcommand: the whole suite, writing report.md, results.csv "
                + "and chart.png under --out and printing the goals table.",
        subcommands = {BenchModelCommand.class, BenchPipelineCommand.class})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "results", description = "Results folder (default results)")
    Path out;

    @Option(names = "--model-cache", defaultValue = "target/bench-models",
            description = "Where built benchmark models are kept between runs (default target/bench-models)")
    Path modelCache;

    @Option(names = "--scale", defaultValue = "1", description = "Multiplies image counts and durations (default 1: "
            + "under ten minutes on 2 CPUs; 0.2 for a quick look)")
    double scale;

    @Option(names = "--batch-size", defaultValue = "16", description = "batch.max-size of the VGG16 runs (default 16)")
    int batch;

    @Option(names = "--batch-wait-ms", defaultValue = "50", description = "batch.max-wait-ms (default 50)")
    long maxWaitMs;

    @Option(names = "--only", split = ",", description = "Run only these parts, e.g. --only 4,6: 1-7 and 11 by "
            + "default; 8 (against the Python consumer, ~3 min), 9 (readiness of VGG16 at batch 32, ~3 min) and 10 "
            + "(camera frames, with the Python consumer on 1080p, ~9 min) only when named")
    List<Integer> only;

    @Option(names = "--peer-variant", description = "Part 8's vggstream side(s): JVM options and key=value settings "
            + "in one string, repeatable; java=<JDK> runs the side on that JDK, and aot (JDK 25+) trains an AOT "
            + "cache for it first and starts it from the cache (default \"" + PeerSides.RECOMMENDED_JVM + "\", and "
            + "where a JDK 25 is found, the same on it with aot)")
    List<String> peerVariants;

    @Option(names = "--peer-rounds", defaultValue = "2", description = "Turns of each side in part 8, and in part 10's "
            + "comparison with the Python consumer (default 2)")
    int peerRounds;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = BenchSuite.run(new BenchSuite.Options(out, modelCache, scale, batch, maxWaitMs,
                only == null ? new HashSet<>() : new HashSet<>(only), spec.commandLine().getOut(),
                peerVariants == null ? List.of() : peerVariants, peerRounds));
        spec.commandLine().getOut().println("report: " + dir.resolve("report.md"));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
