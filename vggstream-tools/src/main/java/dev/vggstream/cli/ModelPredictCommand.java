package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ClassifierOptions;
import dev.vggstream.inference.ModelException;
import dev.vggstream.inference.ModelInfo;
import dev.vggstream.inference.Prediction;
import dev.vggstream.inference.ModelMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code vggstream model predict}: classify picture files with a SavedModel, no Kafka involved. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify JPEG/PNG files (or the images in a directory) and print the top classes.")
final class ModelPredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "SavedModel directory")
    Path model;

    @Option(names = "--top", defaultValue = "5", description = "Classes to print per image (default 5)")
    int top;

    @Option(names = "--json", description = "One JSON object per image: {\"image\", \"top\": [{index, label, probability}]}")
    boolean json;

    @Option(names = "--preprocess", description = "Override the model's stored preprocessing: torch, caffe or none")
    String preprocess;

    @Option(names = "--labels", description = "Override the model's stored labels: one per line")
    Path labels;

    @Option(names = "--batch-size", defaultValue = "16", description = "Images per model call (default 16)")
    int batchSize;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files or directories of images")
    List<Path> images;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        if (top < 1 || batchSize < 1) {
            throw new CliException(ExitCodes.USAGE, "--top and --batch-size must be at least 1");
        }
        List<Path> files = expand(images);
        ClassifierOptions options = ClassifierOptions.defaults();
        if (preprocess != null) {
            options = options.withPreprocessing(Arguments.parse(() -> Preprocessing.parse(preprocess)));
        }
        if (labels != null) {
            options = options.withLabels(ModelMetadata.readLabelFile(labels));
        }
        int failed = 0;
        try (Classifier classifier = Classifier.load(model, options);
             Progress progress = Progress.start("predict", files.size(), "images")) {
            ModelInfo info = classifier.info();
            ImagePipeline pipeline = new ImagePipeline(ImageLimits.DEFAULT, info.height(), info.width(),
                    info.preprocessing());
            float[] batch = new float[batchSize * pipeline.floats()];
            List<Path> inBatch = new ArrayList<>();
            for (Path f : files) {
                try {
                    pipeline.prepare(Files.readAllBytes(f), batch, inBatch.size() * pipeline.floats());
                    inBatch.add(f);
                } catch (ImageException | IOException e) {
                    failed++;
                    reportFailure(f, e);
                }
                if (inBatch.size() == batchSize) {
                    emit(classifier, batch, inBatch);
                }
                progress.advance(1);
            }
            if (!inBatch.isEmpty()) {
                emit(classifier, batch, inBatch);
            }
        } catch (ModelException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void emit(Classifier classifier, float[] batch, List<Path> files) throws IOException {
        float[][] probs = classifier.classify(batch, files.size());
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < files.size(); i++) {
            List<Prediction> best = Prediction.top(probs[i], top, classifier.info());
            if (json) {
                out.println(toJson(files.get(i), best));
            } else {
                out.println(files.get(i));
                for (Prediction p : best) {
                    out.printf(Locale.ROOT, "  %.4f  %4d  %s%n", p.probability(), p.index(), p.label());
                }
            }
        }
        out.flush();
        files.clear();
    }

    static String toJson(Path image, List<Prediction> best) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("image", image.toString());
        ArrayNode topNode = o.putArray("top");
        for (Prediction p : best) {
            topNode.addObject().put("index", p.index()).put("label", p.label()).put("probability", p.probability());
        }
        return JSON.writeValueAsString(o);
    }

    private void reportFailure(Path f, Exception e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + f + ": " + (e instanceof IOException ? "cannot read: " : "") + e.getMessage());
        if (verbose.on) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    private static List<Path> expand(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
