package dev.vggstream.image;

/**
 * Pillow's bilinear {@code Image.resize}, bit for bit, restricted to an output window.
 *
 * <p>torchvision's evaluation transform resizes with Pillow, so matching it exactly is what makes our inputs the
 * ones a torchvision-trained model expects. Pillow resizes separably with a triangle filter whose support grows
 * with the downscale factor (antialiasing), with 22-bit fixed-point coefficients, horizontal pass first into an
 * 8-bit intermediate, then vertical. Each output pixel depends only on its own coefficients, so computing just a
 * crop window of the output gives the same pixels as resizing everything and cropping; that is how the ImageNet
 * center crop is done here without resampling pixels that are thrown away.
 */
public final class Resampler {

    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 1.0;

    private Resampler() {
    }

    /** Resizes to {@code outW x outH} and returns the window {@code [x0, x0+cw) x [y0, y0+ch)} of the result. */
    public static RgbImage resizeWindow(RgbImage in, int outW, int outH, int x0, int y0, int cw, int ch) {
        if (x0 < 0 || y0 < 0 || x0 + cw > outW || y0 + ch > outH || cw < 1 || ch < 1) {
            throw new IllegalArgumentException("window " + cw + "x" + ch + "+" + x0 + "+" + y0 + " outside " + outW + "x"
                    + outH);
        }
        boolean horizontal = outW != in.width();
        boolean vertical = outH != in.height();
        Coefficients cx = horizontal ? Coefficients.of(in.width(), outW, x0, cw) : null;
        Coefficients cy = vertical ? Coefficients.of(in.height(), outH, y0, ch) : null;
        // Rows of the source the vertical pass reads (or the window's rows when there is no vertical pass).
        int rowFirst = vertical ? cy.firstSource() : y0;
        int rowEnd = vertical ? cy.endSource() : y0 + ch;
        RgbImage mid = horizontal ? horizontalPass(in, cx, rowFirst, rowEnd) : crop(in, x0, rowFirst, cw, rowEnd - rowFirst);
        return vertical ? verticalPass(mid, cy, rowFirst) : mid;
    }

    /** A window of the image, no resampling. */
    public static RgbImage crop(RgbImage in, int x0, int y0, int w, int h) {
        if (x0 == 0 && y0 == 0 && w == in.width() && h == in.height()) {
            return in;
        }
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(in.pixels(), ((y0 + y) * in.width() + x0) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    private static RgbImage horizontalPass(RgbImage in, Coefficients c, int rowFirst, int rowEnd) {
        int rows = rowEnd - rowFirst;
        int outW = c.count();
        byte[] src = in.pixels();
        byte[] out = new byte[outW * rows * 3];
        int inStride = in.width() * 3;
        for (int y = 0; y < rows; y++) {
            int rowBase = (rowFirst + y) * inStride;
            int o = y * outW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int min = c.min[xx];
                int n = c.len[xx];
                int k = xx * c.ksize;
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                int p = rowBase + min * 3;
                for (int i = 0; i < n; i++, p += 3) {
                    int w = c.k[k + i];
                    r += (src[p] & 0xff) * w;
                    g += (src[p + 1] & 0xff) * w;
                    b += (src[p + 2] & 0xff) * w;
                }
                out[o++] = clip8(r);
                out[o++] = clip8(g);
                out[o++] = clip8(b);
            }
        }
        return new RgbImage(outW, rows, out);
    }

    private static RgbImage verticalPass(RgbImage in, Coefficients c, int rowFirst) {
        int w = in.width();
        int outH = c.count();
        byte[] src = in.pixels();
        byte[] out = new byte[w * outH * 3];
        int stride = w * 3;
        int[] acc = new int[stride];
        for (int yy = 0; yy < outH; yy++) {
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int min = c.min[yy] - rowFirst;
            int n = c.len[yy];
            int k = yy * c.ksize;
            for (int i = 0; i < n; i++) {
                int wgt = c.k[k + i];
                int base = (min + i) * stride;
                for (int x = 0; x < stride; x++) {
                    acc[x] += (src[base + x] & 0xff) * wgt;
                }
            }
            int o = yy * stride;
            for (int x = 0; x < stride; x++) {
                out[o + x] = clip8(acc[x]);
            }
        }
        return new RgbImage(w, outH, out);
    }

    static byte clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (v <= 0) {
            return 0;
        }
        return (byte) (v >> PRECISION_BITS);
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc}, for output positions [first, first+count). */
    record Coefficients(int ksize, int[] min, int[] len, int[] k) {

        static Coefficients of(int inSize, int outSize, int first, int count) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[count];
            int[] len = new int[count];
            int[] k = new int[count * ksize];
            double[] w = new double[ksize];
            for (int j = 0; j < count; j++) {
                int xx = first + j;
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double total = 0;
                for (int x = 0; x < xmax; x++) {
                    double v = triangle((x + xmin - center + 0.5) * ss);
                    w[x] = v;
                    total += v;
                }
                for (int x = 0; x < xmax; x++) {
                    double v = total != 0.0 ? w[x] / total : w[x];
                    k[j * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                            : (int) (0.5 + v * (1 << PRECISION_BITS));
                }
                min[j] = xmin;
                len[j] = xmax;
            }
            return new Coefficients(ksize, min, len, k);
        }

        int count() {
            return min.length;
        }

        int firstSource() {
            int f = Integer.MAX_VALUE;
            for (int m : min) {
                f = Math.min(f, m);
            }
            return f;
        }

        int endSource() {
            int e = 0;
            for (int i = 0; i < min.length; i++) {
                e = Math.max(e, min[i] + len[i]);
            }
            return e;
        }

        private static double triangle(double x) {
            x = Math.abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    }
}
