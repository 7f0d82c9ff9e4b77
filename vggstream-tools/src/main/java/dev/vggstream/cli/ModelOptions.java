package dev.vggstream.cli;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.model.VggArch;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Which VGG a command makes and where it writes it: the options {@code model build} and {@code model train} share.
 * The input size is not among them: each command has its own default for it.
 */
final class ModelOptions {

    @Option(names = "--arch", required = true, description = "vgg11, vgg13, vgg16 or vgg19 (configurations A, B, D, E)")
    String arch;

    @Option(names = "--batch-norm", description = "BatchNorm after every convolution (torchvision's vgg*_bn)")
    boolean batchNorm;

    @Option(names = "--width", defaultValue = "1.0", description = "Multiplies every channel and fully connected "
            + "width, e.g. 0.25 (default 1.0)")
    double width;

    @Option(names = "--preprocess", defaultValue = "torch", description = "torch, caffe or none (default torch)")
    String preprocess;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initialisation, and of a training's "
            + "order, augmentation and dropout (default 42)")
    long seed;

    @Option(names = "--out", required = true, description = "Output directory (must not exist or be empty)")
    Path out;

    VggArch arch() {
        return Arguments.parse(() -> VggArch.parse(arch));
    }

    Preprocessing preprocessing() {
        return Arguments.parse(() -> Preprocessing.parse(preprocess));
    }
}
