package dev.vggstream.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The four VGG configurations of Simonyan and Zisserman (2014), table 1: A, B, D and E.
 * Each entry is a 3x3 convolution's output channels; {@link #POOL} marks a 2x2 max-pool.
 */
public enum VggArch {
    VGG11("A", 64, POOL(), 128, POOL(), 256, 256, POOL(), 512, 512, POOL(), 512, 512, POOL()),
    VGG13("B", 64, 64, POOL(), 128, 128, POOL(), 256, 256, POOL(), 512, 512, POOL(), 512, 512, POOL()),
    VGG16("D", 64, 64, POOL(), 128, 128, POOL(), 256, 256, 256, POOL(), 512, 512, 512, POOL(),
            512, 512, 512, POOL()),
    VGG19("E", 64, 64, POOL(), 128, 128, POOL(), 256, 256, 256, 256, POOL(), 512, 512, 512, 512, POOL(),
            512, 512, 512, 512, POOL());

    /** Marks a max-pool in {@link #layers()}. */
    public static final int POOL = -1;

    private static int POOL() {
        return POOL;
    }

    private final String paperConfiguration;
    private final int[] layers;

    VggArch(String paperConfiguration, int... layers) {
        this.paperConfiguration = paperConfiguration;
        this.layers = layers;
    }

    /** The configuration's letter in the paper's table 1. */
    public String paperConfiguration() {
        return paperConfiguration;
    }

    /** Output channels of each convolution at width 1.0, {@link #POOL} for each pooling layer. */
    public int[] layers() {
        return layers.clone();
    }

    /** The name torchvision and the CLI use: {@code vgg16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VggArch parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("_bn", "");
        return Arrays.stream(values())
                .filter(a -> a.id().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown architecture '" + text + "': expected one of "
                        + Arrays.stream(values()).map(VggArch::id).collect(Collectors.joining(", "))));
    }
}
