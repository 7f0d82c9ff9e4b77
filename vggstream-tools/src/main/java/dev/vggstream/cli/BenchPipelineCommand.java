package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.bench.BenchModels;
import dev.vggstream.bench.ModelBenchmark;
import dev.vggstream.bench.Payloads;
import dev.vggstream.bench.StreamBench;
import dev.vggstream.inference.Classifier;
import dev.vggstream.kafka.LocalKafkaBroker;
import dev.vggstream.model.VggSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vggstream bench pipeline}: in one run, images/s of (a) the classifier alone at the batch size and (b) the
 * same model end to end through a local broker, measured in turns; (b)/(a) says what the pipeline costs beside the
 * model.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Classifier alone vs end to end through a local broker, for VGG16@224 and a small model.")
final class BenchPipelineCommand implements Callable<Integer> {

    @Option(names = "--batch-size", defaultValue = "16", description = "Batch size (default 16)")
    int batch;

    @Option(names = "--batches", defaultValue = "4", description = "Batches of VGG16 per round (default 4)")
    int batches;

    @Option(names = "--small-images", defaultValue = "1500",
            description = "Images of the small model per round (default 1500)")
    int smallImages;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds: end to end, then the classifier alone on as many images (default 3)")
    int rounds;

    @Option(names = "--guarantee", defaultValue = "at_least_once", description = "Processing guarantee")
    String guarantee;

    @Option(names = "--skip-vgg16", description = "Only the small model")
    boolean skipVgg16;

    @Option(names = "--model-cache", defaultValue = "target/bench-models", description = "Built models are kept here")
    Path modelCache;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("vggstream-bench-");
        out.printf("| model | batch | (a) classifier alone img/s | (b) end to end img/s | (b)/(a) | mean batch |%n");
        out.printf("|---|---:|---:|---:|---:|---:|%n");
        out.flush();
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().messageMaxBytes(32 << 20).start()) {
            if (!skipVgg16) {
                measure(out, broker.bootstrapServers(), BenchModels.vgg16(), batches * batch, 224, work);
            }
            measure(out, broker.bootstrapServers(), BenchModels.tiny(), smallImages, 224, work);
        } finally {
            BenchModels.deleteTree(work);
        }
        return ExitCodes.OK;
    }

    private void measure(PrintWriter out, String bootstrap, VggSpec spec, int perRound, int side, Path work)
            throws Exception {
        Path model = BenchModels.get(modelCache, spec);
        List<byte[]> images = Payloads.jpegs(32, side, side, 1);
        try (Classifier alone = Classifier.load(model)) {
            ModelBenchmark.classifierNanos(alone, batch, batch);
            StreamBench.Setup s = new StreamBench.Setup("pipeline-" + spec.torchvisionName(), model, 4, 1, batch, 50,
                    guarantee, Payloads.Encoding.RAW, images, perRound, 1, Map.of());
            StreamBench.Interleaved r;
            try (StreamBench.Session session = StreamBench.Session.open(bootstrap, s, work)) {
                r = StreamBench.interleaved(session, rounds, n -> ModelBenchmark.classifierNanos(alone, batch, n));
            }
            out.printf(Locale.ROOT, "| %s w%s @%d | %d | %.2f | %.2f | %.3f | %.1f |%n", spec.torchvisionName(),
                    spec.width(), spec.imageSize(), batch, r.modelAlonePerSecond(), r.endToEndPerSecond(), r.ratio(),
                    r.outcome().meanBatchSize());
            out.flush();
        }
    }
}
