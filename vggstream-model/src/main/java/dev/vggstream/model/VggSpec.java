package dev.vggstream.model;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that decides a VGG network's graph and metadata.
 *
 * @param imageSize square input side in pixels, or 0 for a graph that accepts any size ({@code --dynamic-size});
 *                  a dynamic model still records {@link #DEFAULT_IMAGE_SIZE} as the size images are prepared to
 * @param width     multiplies every channel count and the fully connected widths (1.0 is the paper's network)
 */
public record VggSpec(VggArch arch, boolean batchNorm, int numClasses, int imageSize, double width,
                      Preprocessing preprocessing, List<String> labels) {

    public static final int DEFAULT_IMAGE_SIZE = ModelMetadata.DEFAULT_IMAGE_SIZE;
    /** Five 2x2 pools halve the input five times; below 32 px the last feature map would be empty. */
    public static final int MIN_IMAGE_SIZE = 32;
    public static final int FC_WIDTH = 4096;
    public static final int POOLED_SIDE = 7;

    public VggSpec {
        if (arch == null) {
            throw new IllegalArgumentException("architecture is required");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("number of classes must be at least 1, got " + numClasses);
        }
        if (imageSize != 0 && imageSize < MIN_IMAGE_SIZE) {
            throw new IllegalArgumentException("image size must be at least " + MIN_IMAGE_SIZE
                    + " px (five 2x2 pools), got " + imageSize);
        }
        if (!(width > 0) || width > 4 || Double.isNaN(width)) {
            throw new IllegalArgumentException("width must be in (0, 4], got " + width);
        }
        if (preprocessing == null) {
            preprocessing = Preprocessing.TORCH;
        }
        labels = labels == null || labels.isEmpty() ? defaultLabels(numClasses) : List.copyOf(labels);
        if (labels.size() != numClasses) {
            throw new IllegalArgumentException("got " + labels.size() + " labels for " + numClasses + " classes");
        }
    }

    public static VggSpec of(VggArch arch, boolean batchNorm, int numClasses, int imageSize, double width) {
        return new VggSpec(arch, batchNorm, numClasses, imageSize, width, Preprocessing.TORCH, null);
    }

    public boolean dynamicSize() {
        return imageSize == 0;
    }

    /** The side images are resized and cropped to before they reach the model. */
    public int preparedImageSize() {
        return dynamicSize() ? DEFAULT_IMAGE_SIZE : imageSize;
    }

    /** A channel or unit count at this width: never below 1, halves round up. */
    public int scaled(int fullWidthCount) {
        return Math.max(1, (int) Math.floor(fullWidthCount * width + 0.5));
    }

    public int fcWidth() {
        return scaled(FC_WIDTH);
    }

    /** Output channels of the last convolution. */
    public int lastChannels() {
        int[] layers = arch.layers();
        int last = 0;
        for (int c : layers) {
            if (c != VggArch.POOL) {
                last = c;
            }
        }
        return scaled(last);
    }

    /** torchvision's model name: {@code vgg16_bn}. */
    public String torchvisionName() {
        return arch.id() + (batchNorm ? "_bn" : "");
    }

    public VggSpec withLabels(List<String> newLabels) {
        return new VggSpec(arch, batchNorm, numClasses, imageSize, width, preprocessing, newLabels);
    }

    public VggSpec withNumClasses(int classes) {
        return new VggSpec(arch, batchNorm, classes, imageSize, width, preprocessing, null);
    }

    /** "class_0" ... "class_{n-1}": the labels of a model built without names for its classes. */
    public static List<String> defaultLabels(int numClasses) {
        List<String> out = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) {
            out.add("class_" + i);
        }
        return out;
    }

    /** The metadata stored beside a SavedModel of this network. */
    public ModelMetadata metadata(long parameters, String weights, String createdBy) {
        return new ModelMetadata(ModelMetadata.FORMAT, torchvisionName(), arch().id(), batchNorm(), width(),
                numClasses(), preparedImageSize(), dynamicSize(), preprocessing().id(), parameters, weights, createdBy);
    }
}
