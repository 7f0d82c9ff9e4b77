package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import dev.vggstream.image.Preprocessing;
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

    @Option(names = "--num-classes", description = "Output classes (default: from --labels or --weights, else 1000)")
    Integer numClasses;

    @Option(names = "--dynamic-size", description = "Accept any input size (images are still prepared at 224); "
            + "not with --image-size")
    boolean dynamic;

    @Option(names = "--weights", description = ".npz with torchvision state_dict arrays (names and layouts as torchvision)")
    Path weights;

    @Option(names = "--labels", description = "Text file, one class label per line")
    Path labels;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        VggArch a = model.arch();
        Preprocessing pre = model.preprocessing();
        List<String> labelList = labels == null ? null : Arguments.readLabels(labels);
        Map<String, NpyArray> arrays = weights == null ? null : readWeights(weights);
        int classes = classes(labelList, arrays);
        if (dynamic && model.imageSize != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--image-size and --dynamic-size are mutually exclusive (specify only one)");
        }
        int imageSize = dynamic ? 0 : model.imageSize(VggSpec.DEFAULT_IMAGE_SIZE);
        VggSpec vgg = Arguments.parse(() -> new VggSpec(a, model.batchNorm, classes, imageSize, model.width, pre,
                labelList));
        Path out = model.out();
        Arguments.checkOut(out);
        PrintWriter w = spec.commandLine().getOut();
        try (Progress p = Progress.start("build " + vgg.torchvisionName(), 3, "steps");
             VggModel built = VggModel.create(vgg)) {
            p.advance(1);
            String source;
            if (arrays != null) {
                built.loadWeights(arrays);
                source = "npz:" + weights.getFileName();
            } else {
                built.initializeRandom(model.seed);
                source = "he-init:seed=" + model.seed;
            }
            p.advance(1);
            long params = built.net().parameterCount();
            built.export(out, vgg.metadata(params, source, "vggstream " + String.join(" ",
                    spec.commandLine().getParseResult().originalArgs())));
            p.advance(1);
            // the bar's line is finished first: on a terminal stdout and stderr share it
            p.close();
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


}
