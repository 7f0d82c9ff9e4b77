package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.bench.BenchModels;
import dev.vggstream.bench.ModelBenchmark;
import dev.vggstream.inference.Classifier;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vggstream bench model}: images/s of the classifier API against TensorFlow alone, per batch size. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Classifier images/s at several batch sizes, beside TensorFlow alone on the same graph.")
final class BenchModelCommand implements Callable<Integer> {

    @Option(names = "--model", description = "SavedModel to measure (default: build one from the model options, "
            + "He init)")
    Path model;

    /** What to build when no --model is given. */
    @CommandLine.Mixin
    ModelOptions build = new ModelOptions();

    @Option(names = "--batch-sizes", defaultValue = "1,8,16,32", split = ",",
            description = "Batch sizes (default 1,8,16,32)")
    int[] batchSizes;

    @Option(names = "--seconds", defaultValue = "20", description = "Seconds per batch size, at least (default 20)")
    double seconds;

    @Option(names = "--min-calls", defaultValue = "3", description = "Model calls per batch size, at least (default 3)")
    int minCalls;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = model;
        Path temp = null;
        if (dir == null) {
            if (build.out == null) {
                temp = Files.createTempDirectory("vggstream-bench-");
            }
            dir = temp == null ? build.out : temp.resolve("model");
            Arguments.checkOut(dir);
            buildModel(dir);
        }
        try (Classifier c = Classifier.load(dir)) {
            out.printf(Locale.ROOT, "model %s (%dx%d), %d CPUs, %.0f s per batch size%n%n", c.info().name(),
                    c.info().width(), c.info().height(), Runtime.getRuntime().availableProcessors(), seconds);
            out.println("| batch | classifier img/s | TensorFlow alone img/s | classifier / TF | calls |");
            out.println("|---:|---:|---:|---:|---:|");
            out.flush();
            List<ModelBenchmark.Row> rows;
            try (Progress p = Progress.start("measuring", batchSizes.length, "sizes")) {
                rows = new java.util.ArrayList<>();
                for (int b : batchSizes) {
                    ModelBenchmark.Row r = ModelBenchmark.run(c, new int[] {b}, seconds, minCalls).get(0);
                    rows.add(r);
                    out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.3f | %d |%n", r.batchSize(),
                            r.classifierImagesPerSecond(), r.tensorflowImagesPerSecond(), r.ratio(), r.calls());
                    out.flush();
                    p.advance(1);
                }
            }
        } finally {
            if (temp != null) {
                BenchModels.deleteTree(temp);
            }
        }
        return ExitCodes.OK;
    }

    private void buildModel(Path dir) throws Exception {
        VggSpec vgg = Arguments.parse(() -> new VggSpec(build.arch(VggArch.VGG16), build.batchNorm, 1000,
                build.imageSize(VggSpec.DEFAULT_IMAGE_SIZE), build.width, build.preprocessing(), null));
        try (Progress p = Progress.start("building " + vgg.torchvisionName() + "@" + vgg.imageSize(), 2, "steps");
             VggModel m = VggModel.create(vgg)) {
            m.initializeRandom(build.seed);
            p.advance(1);
            m.export(dir, vgg.metadata(m.net().parameterCount(), "he-init:seed=" + build.seed, "bench"));
            p.advance(1);
        }
    }

    @Override
    public String toString() {
        return "bench model " + build.arch + " " + Arrays.toString(batchSizes);
    }
}
