package dev.vggstream.model;

import java.util.Arrays;

/**
 * One weight array of the network, named and shaped as in torchvision's {@code state_dict}.
 *
 * @param name       torchvision's key, e.g. {@code features.0.weight}; also the TensorFlow variable's name
 * @param torchShape the shape in torchvision's layout
 * @param layout     how torchvision's layout maps to the TensorFlow variable's
 * @param trainable  false for BatchNorm running statistics, which torchvision keeps as buffers, not parameters
 */
public record Parameter(String name, long[] torchShape, Layout layout, boolean trainable) {

    /** How an array is laid out in torchvision versus in the TensorFlow graph. */
    public enum Layout {
        /** torch [out, in, kh, kw] becomes TensorFlow's HWIO [kh, kw, in, out]. */
        CONV_KERNEL,
        /** torch Linear [out, in] becomes a MatMul right operand [in, out]. */
        DENSE_KERNEL,
        /** vectors (biases, BatchNorm) are the same in both. */
        VECTOR
    }

    public long elementCount() {
        long n = 1;
        for (long d : torchShape) {
            n *= d;
        }
        return n;
    }

    /** The TensorFlow variable's shape. */
    public long[] tfShape() {
        long[] s = torchShape;
        switch (layout) {
            case CONV_KERNEL:
                return new long[] {s[2], s[3], s[1], s[0]};
            case DENSE_KERNEL:
                return new long[] {s[1], s[0]};
            default:
                return s.clone();
        }
    }

    /** Rearranges a row-major array in torchvision's layout into the TensorFlow variable's layout. */
    public float[] toTensorFlowLayout(float[] torch) {
        switch (layout) {
            case CONV_KERNEL:
                return convToHwio(torch, (int) torchShape[0], (int) torchShape[1], (int) torchShape[2],
                        (int) torchShape[3]);
            case DENSE_KERNEL:
                return transpose(torch, (int) torchShape[0], (int) torchShape[1]);
            default:
                return torch;
        }
    }

    /** The inverse of {@link #toTensorFlowLayout}, for exporting weights back to torchvision's layout. */
    public float[] toTorchLayout(float[] tf) {
        switch (layout) {
            case CONV_KERNEL: {
                int o = (int) torchShape[0], i = (int) torchShape[1], kh = (int) torchShape[2], kw = (int) torchShape[3];
                float[] out = new float[tf.length];
                for (int a = 0; a < o; a++) {
                    for (int b = 0; b < i; b++) {
                        for (int y = 0; y < kh; y++) {
                            for (int x = 0; x < kw; x++) {
                                out[((a * i + b) * kh + y) * kw + x] = tf[((y * kw + x) * i + b) * o + a];
                            }
                        }
                    }
                }
                return out;
            }
            case DENSE_KERNEL:
                return transpose(tf, (int) torchShape[1], (int) torchShape[0]);
            default:
                return tf;
        }
    }

    private static float[] convToHwio(float[] w, int o, int i, int kh, int kw) {
        float[] out = new float[w.length];
        int src = 0;
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < i; b++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        out[((y * kw + x) * i + b) * o + a] = w[src++];
                    }
                }
            }
        }
        return out;
    }

    /** [rows, cols] row-major to [cols, rows] row-major, in cache-sized tiles (the FC kernels are 400 MB). */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] out = new float[m.length];
        final int tile = 64;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(cols, c0 + tile);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        out[c * rows + r] = m[r * cols + c];
                    }
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameter p && p.name.equals(name) && Arrays.equals(p.torchShape, torchShape)
                && p.layout == layout && p.trainable == trainable;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(torchShape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(torchShape);
    }
}
