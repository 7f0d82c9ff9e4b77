package dev.vggstream.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How 8-bit RGB pixels become the model's float input. The formulas are those of the frameworks the
 * weights come from, so that a model trained there sees here the numbers it saw in training.
 */
public enum Preprocessing {
    /** torchvision {@code ToTensor()} then {@code Normalize(mean, std)} with the ImageNet statistics; RGB order. */
    TORCH,
    /** Keras "caffe" mode: BGR order, 0-255, minus the ImageNet channel means. */
    CAFFE,
    /** RGB 0-255 as floats: for models that normalise inside their own graph. */
    NONE;

    static final float[] TORCH_MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] TORCH_STD = {0.229f, 0.224f, 0.225f};
    /** Keras' caffe means, in B, G, R order. */
    static final float[] CAFFE_MEAN_BGR = {103.939f, 116.779f, 123.68f};

    /** The lowercase name used in config, CLI and model metadata. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Preprocessing parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(p -> p.id().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown preprocessing '" + text + "': expected one of "
                        + Arrays.stream(values()).map(Preprocessing::id).collect(Collectors.joining(", "))));
    }

    /**
     * The output value of every (input channel, byte value) pair, indexed {@code [outChannel * 256 + value]},
     * together with which input channel feeds each output channel. Lookup tables are exact (the same float
     * operations as the formula) and avoid a division per sample.
     */
    public ChannelTable table() {
        float[] lut = new float[3 * 256];
        int[] sourceChannel = new int[3];
        for (int out = 0; out < 3; out++) {
            int in = this == CAFFE ? 2 - out : out;
            sourceChannel[out] = in;
            for (int v = 0; v < 256; v++) {
                lut[out * 256 + v] = value(in, v);
            }
        }
        return new ChannelTable(lut, sourceChannel);
    }

    /** The formula for one sample of RGB channel {@code rgbChannel} (0 = R) with byte value {@code v}. */
    float value(int rgbChannel, int v) {
        switch (this) {
            case TORCH:
                // ToTensor divides in float32, Normalize subtracts then divides in float32: same order here.
                float x = (float) v / 255f;
                return (x - TORCH_MEAN[rgbChannel]) / TORCH_STD[rgbChannel];
            case CAFFE:
                return (float) v - CAFFE_MEAN_BGR[2 - rgbChannel];
            default:
                return v;
        }
    }

    /** A per-output-channel lookup table; see {@link #table()}. */
    public record ChannelTable(float[] lut, int[] sourceChannel) {
    }
}
