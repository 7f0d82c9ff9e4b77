package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.model.Npz;
import dev.vggstream.model.NpyArray;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.WeightsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vggstream model build}: a VGG of the paper as a SavedModel, with torchvision weights or He init. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build a VGG network (paper configurations A, B, D, E) as a TensorFlow SavedModel.")
final class ModelBuildCommand implements Callable<Integer> {

    @Option(names = "--arch", required = true, description = "vgg11, vgg13, vgg16 or vgg19 (configurations A, B, D, E)")
    String arch;

    @Option(names = "--batch-norm", description = "BatchNorm after every convolution (torchvision's vgg*_bn)")
    boolean batchNorm;

    @Option(names = "--num-classes", description = "Output classes (default: from --labels or --weights, else 1000)")
    Integer numClasses;

    @CommandLine.ArgGroup(exclusive = true)
    SizeOption size = new SizeOption();

    static final class SizeOption {
        @Option(names = "--image-size", description = "Square input side in pixels, at least 32 (default 224)")
        Integer imageSize;

        @Option(names = "--dynamic-size", description = "Accept any input size (images are still prepared at 224)")
        boolean dynamic;
    }

    @Option(names = "--width", defaultValue = "1.0",
            description = "Multiplies every channel and fully connected width, e.g. 0.25 (default 1.0)")
    double width;

    @Option(names = "--weights", description = ".npz with torchvision state_dict arrays (names and layouts as torchvision)")
    Path weights;

    @Option(names = "--labels", description = "Text file, one class label per line")
    Path labels;

    @Option(names = "--preprocess", defaultValue = "torch", description = "torch, caffe or none (default torch)")
    String preprocess;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the He initialisation (default 42)")
    long seed;

    @Option(names = "--out", required = true, description = "Output directory (must not exist or be empty)")
    Path out;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        VggArch a = parse(() -> VggArch.parse(arch));
        Preprocessing pre = parse(() -> Preprocessing.parse(preprocess));
        List<String> labelList = labels == null ? null : readLabels(labels);
        Map<String, NpyArray> arrays = weights == null ? null : readWeights(weights);
        int classes = classes(labelList, arrays);
        int imageSize = size.dynamic ? 0 : size.imageSize == null ? VggSpec.DEFAULT_IMAGE_SIZE : size.imageSize;
        VggSpec vgg = parse(() -> new VggSpec(a, batchNorm, classes, imageSize, width, pre, labelList));
        checkOut(out);
        PrintWriter w = spec.commandLine().getOut();
        try (Progress p = Progress.start("build " + vgg.torchvisionName(), 3, "steps");
             VggModel model = VggModel.create(vgg)) {
            p.advance(1);
            String source;
            if (arrays != null) {
                model.loadWeights(arrays);
                source = "npz:" + weights.getFileName();
            } else {
                model.initializeRandom(seed);
                source = "he-init:seed=" + seed;
            }
            p.advance(1);
            long params = model.net().parameterCount();
            model.export(out, vgg.metadata(params, source, "vggstream " + String.join(" ",
                    spec.commandLine().getParseResult().originalArgs())));
            p.advance(1);
            w.printf(Locale.ROOT, "built %s (width %s, %d classes, %s, %s preprocessing): %,d parameters, weights %s%n",
                    vgg.torchvisionName(), vgg.width(), vgg.numClasses(),
                    vgg.dynamicSize() ? "any input size" : vgg.imageSize() + "x" + vgg.imageSize() + " input",
                    pre.id(), params, source);
            w.printf("wrote %s%n", out);
            w.flush();
        } catch (WeightsException e) {
            throw new CliException(ExitCodes.FAILED, weights + ": " + e.getMessage(), e);
        }
        return ExitCodes.OK;
    }

    private int classes(List<String> labelList, Map<String, NpyArray> arrays) {
        Integer fromLabels = labelList == null ? null : labelList.size();
        NpyArray last = arrays == null ? null : arrays.get("classifier.6.bias");
        Integer fromWeights = last == null || last.shape().length != 1 ? null : (int) last.shape()[0];
        int n = numClasses != null ? numClasses : fromLabels != null ? fromLabels : fromWeights != null ? fromWeights : 1000;
        if (fromLabels != null && fromLabels != n) {
            throw new CliException(ExitCodes.USAGE, labels + " has " + fromLabels + " labels but the model has " + n
                    + " classes");
        }
        return n;
    }

    static List<String> readLabels(Path file) {
        try {
            List<String> l = ModelMetadata.readLabelFile(file);
            if (l.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, file + " has no labels");
            }
            return l;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read labels " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, NpyArray> readWeights(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.FAILED, "weights file " + file + " does not exist");
        }
        try {
            return Npz.read(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read weights: " + e.getMessage(), e);
        }
    }

    static void checkOut(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        boolean empty;
        try (var entries = Files.list(dir)) {
            empty = entries.findAny().isEmpty();
        } catch (java.nio.file.NotDirectoryException e) {
            empty = false;
        }
        if (!empty) {
            throw new CliException(ExitCodes.USAGE, "output directory " + dir + " exists and is not empty");
        }
    }

    static <T> T parse(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }
}
