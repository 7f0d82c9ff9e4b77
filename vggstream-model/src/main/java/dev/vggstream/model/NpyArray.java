package dev.vggstream.model;

import java.util.Arrays;

/**
 * One array of an {@code .npy}/{@code .npz} file, widened to float32, row-major.
 *
 * @param dtype the numpy type the file stored ({@code <f4}, {@code <f2}, ...)
 */
public record NpyArray(String name, String dtype, long[] shape, float[] data) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && a.name.equals(name) && Arrays.equals(a.shape, shape)
                && Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeText();
    }
}
