package dev.vggstream.cli;

import dev.vggstream.bench.AotTraining;
import dev.vggstream.bench.PeerSides;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vggstream aot-cache}: trains a JDK 25 AOT cache for the processor on a local broker, so that a new instance
 * starts and reaches speed sooner ({@code java -XX:AOTCache=<file> ...}).
 */
@Command(name = "aot-cache", mixinStandardHelpOptions = true,
        description = "Train a JDK 25+ AOT cache for the processor: it classifies a backlog on a local broker "
                + "(-XX:AOTMode=record), then the cache is made of what it loaded and profiled. Start the processor "
                + "with -XX:AOTCache=<file> on the same JDK and the same jar.")
final class AotCacheCommand implements Callable<Integer> {

    @Option(names = "--java", description = "The JDK (its home) or java launcher the processor will run on "
            + "(default: this one)")
    Path java;

    @Option(names = "--jar", description = "The processor's jar (the image's vggstream-processor jar, say); "
            + "default: this vggstream jar")
    Path jar;

    @Option(names = "--out", defaultValue = "vggstream.aot", description = "The cache to write (default "
            + "vggstream.aot)")
    Path out;

    @Option(names = "--images", defaultValue = "20000", description = "Events in the training backlog (default "
            + "20000)")
    int images;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String launcher = java == null ? PeerSides.thisJava() : PeerSides.javaOf(java);
        List<String> launch = jar == null ? PeerSides.thisClassPath() : List.of("-jar", jar.toString());
        PrintWriter o = spec.commandLine().getOut();
        AotTraining.Trained t = AotTraining.train(new AotTraining.Options(launcher, launch,
                Arrays.asList(PeerSides.JIT_OPTIONS.split(" ")), out, images), o);
        o.printf(Locale.ROOT, "wrote %s (%.0f MB) in %.0f s; the training run classified %.0f images/s%n", t.cache(),
                t.bytes() / 1e6, t.seconds(), t.imagesPerSecond());
        o.printf("start the processor with: %s -XX:AOTCache=%s ... %s run%n", launcher, t.cache(),
                String.join(" ", launch));
        o.flush();
        return ExitCodes.OK;
    }
}
