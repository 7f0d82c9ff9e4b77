package dev.vggstream.cli;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.model.VggArch;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/**
 * Which VGG a command makes and where it writes it: the options {@code model build}, {@code model train} and
 * {@code bench model} share, declared once. Whether {@code --arch}, {@code --image-size} and {@code --out} may be
 * left out differs by command, so they have no default here: each command asks with its own fallback (or none,
 * when the option is required for it).
 */
final class ModelOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--arch", description = "vgg11, vgg13, vgg16 or vgg19 (configurations A, B, D, E); required, "
            + "except by bench model (default vgg16)")
    String arch;

    @Option(names = "--batch-norm", description = "BatchNorm after every convolution (torchvision's vgg*_bn)")
    boolean batchNorm;

    @Option(names = "--width", defaultValue = "1.0", description = "Multiplies every channel and fully connected "
            + "width, e.g. 0.25 (default 1.0)")
    double width;

    @Option(names = "--image-size", description = "Square input side in pixels, at least 32 (default 224; model "
            + "train: 32 for IDX data)")
    Integer imageSize;

    @Option(names = "--preprocess", defaultValue = "torch", description = "torch, caffe or none (default torch)")
    String preprocess;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initialisation, and of a training's "
            + "order, augmentation and dropout (default 42)")
    long seed;

    @Option(names = "--out", description = "Output directory (must not exist or be empty); required, except by "
            + "bench model (default: a temporary folder, deleted after)")
    Path out;

    /** {@code --arch}, required. */
    VggArch arch() {
        return Arguments.parse(() -> VggArch.parse(required(arch, "--arch=<arch>")));
    }

    /** {@code --arch}, or {@code fallback} when not given. */
    VggArch arch(VggArch fallback) {
        return arch == null ? fallback : arch();
    }

    int imageSize(int fallback) {
        return imageSize == null ? fallback : imageSize;
    }

    /** {@code --out}, required. */
    Path out() {
        return required(out, "--out=<out>");
    }

    Preprocessing preprocessing() {
        return Arguments.parse(() -> Preprocessing.parse(preprocess));
    }

    /** A missing required option is a usage error, reported as picocli reports its own. */
    private <T> T required(T value, String option) {
        if (value == null) {
            throw new CommandLine.ParameterException(command.commandLine(), "Missing required option: '" + option + "'");
        }
        return value;
    }
}
