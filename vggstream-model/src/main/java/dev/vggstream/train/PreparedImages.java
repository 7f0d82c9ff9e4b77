package dev.vggstream.train;

import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.RgbImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Images already resized and cropped to the model's side exactly as serving prepares them (8-bit RGB, not
 * floats: a quarter of the memory), with their class indices. Preprocessing to floats happens per batch through
 * {@link ImagePreparer#toFloats}, the serving code itself.
 */
public final class PreparedImages {

    private final int side;
    private final List<byte[]> pixels;
    private final int[] labels;
    private final List<String> names;

    PreparedImages(int side, List<byte[]> pixels, int[] labels, List<String> names) {
        if (pixels.size() != labels.length || names.size() != labels.length) {
            throw new IllegalArgumentException("images, labels and names differ in number");
        }
        this.side = side;
        this.pixels = pixels;
        this.labels = labels;
        this.names = names;
    }

    public int side() {
        return side;
    }

    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i];
    }

    /** {@code side * side * 3} bytes, interleaved RGB. Do not modify. */
    public byte[] pixels(int i) {
        return pixels.get(i);
    }

    public RgbImage image(int i) {
        return new RgbImage(side, side, pixels.get(i));
    }

    /** Where image {@code i} came from: a file name or {@code file#index}. */
    public String name(int i) {
        return names.get(i);
    }

    /** Images per class. */
    public int[] classCounts(int classes) {
        int[] c = new int[classes];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    /** The first {@code n} images (all when {@code n} is at least the size). */
    public PreparedImages limit(int n) {
        if (n >= size()) {
            return this;
        }
        int[] l = new int[n];
        System.arraycopy(labels, 0, l, 0, n);
        return new PreparedImages(side, new ArrayList<>(pixels.subList(0, n)), l, new ArrayList<>(names.subList(0, n)));
    }

    /** The images at {@code indices}, in that order. */
    public PreparedImages select(int[] indices) {
        List<byte[]> p = new ArrayList<>(indices.length);
        List<String> n = new ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            p.add(pixels.get(indices[k]));
            n.add(names.get(indices[k]));
            l[k] = labels[indices[k]];
        }
        return new PreparedImages(side, p, l, n);
    }
}
