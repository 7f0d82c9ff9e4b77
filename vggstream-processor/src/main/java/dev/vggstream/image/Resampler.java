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
 *
 * <p>The arithmetic is Pillow's, in the same integer order; only the loops differ, so that C2 turns the
 * multiply-adds into SIMD instructions (about twice today's speed on AVX2, same bytes). A horizontal filter reads a
 * different window of the row for every output pixel, which no compiler vectorises; so the source rows are taken
 * {@value #BLOCK_ROWS} at a time (16 and 64 measured slower) and transposed, one int array per source column
 * holding those rows' samples, and every tap becomes one multiply-add over {@code 3 * BLOCK_ROWS} contiguous ints.
 * The 8-bit intermediate is kept as ints (the same clipped values), one array per row, so the vertical filter is a
 * multiply-add over whole rows with no widening; it runs after each block of rows it needs, while they are still in
 * cache. Buffers and recent coefficients are kept per thread, so a call allocates only its result.
 */
public final class Resampler {

    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 1.0;
    /** Pillow's rounding offset, {@code 1 << (PRECISION_BITS - 1)}. */
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    /** Rows transposed together: 96 ints per tap, a whole number of AVX2 and AVX-512 vectors. */
    static final int BLOCK_ROWS = 32;

    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    private Resampler() {
    }

    /** Resizes to {@code outW x outH} and returns the window {@code [x0, x0+cw) x [y0, y0+ch)} of the result. */
    public static RgbImage resizeWindow(RgbImage in, int outW, int outH, int x0, int y0, int cw, int ch) {
        checkWindow(outW, outH, x0, y0, cw, ch);
        byte[] out = new byte[cw * ch * 3];
        resample(in, outW, outH, x0, y0, cw, ch, new Output(out, null, null, 0));
        return new RgbImage(cw, ch, out);
    }

    /**
     * As {@link #resizeWindow}, but the window's pixels go through {@code table} straight into
     * {@code dst[offset, offset + cw * ch * 3)}: the same floats as resizing then {@link ImagePreparer#toFloats},
     * without the 8-bit image in between.
     */
    static void resizeWindowToFloats(RgbImage in, int outW, int outH, int x0, int y0, int cw, int ch,
            Preprocessing.ChannelTable table, float[] dst, int offset) {
        checkWindow(outW, outH, x0, y0, cw, ch);
        resample(in, outW, outH, x0, y0, cw, ch, new Output(null, table, dst, offset));
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

    private static void checkWindow(int outW, int outH, int x0, int y0, int cw, int ch) {
        if (x0 < 0 || y0 < 0 || x0 + cw > outW || y0 + ch > outH || cw < 1 || ch < 1) {
            throw new IllegalArgumentException("window " + cw + "x" + ch + "+" + x0 + "+" + y0 + " outside " + outW + "x"
                    + outH);
        }
    }

    /**
     * Both passes. An axis whose size does not change gets Pillow's identity coefficients ({@code [2^22, 0]}), which
     * give back each sample exactly; Pillow skips that pass instead, with the same result.
     */
    private static void resample(RgbImage in, int outW, int outH, int x0, int y0, int cw, int ch, Output out) {
        Work work = WORK.get();
        Coefficients cx = work.coefficients(in.width(), outW, x0, cw);
        Coefficients cy = work.coefficients(in.height(), outH, y0, ch);
        int stride = cw * 3;
        int[][] mid = work.mid(cy.endSource - cy.firstSource, stride);
        int[] rowAcc = work.rowAcc(stride);
        int done = 0;
        for (int r0 = cy.firstSource; r0 < cy.endSource; r0 += BLOCK_ROWS) {
            int r1 = Math.min(r0 + BLOCK_ROWS, cy.endSource);
            horizontalBlock(in, cx, r0, r1, mid, r0 - cy.firstSource, work);
            // Source row bounds only grow with the output row, so the rows ready now are a prefix of the rest.
            for (; done < ch && cy.min[done] + cy.len[done] <= r1; done++) {
                multiplyAdd(mid, cy.min[done] - cy.firstSource, stride, cy.k, done * cy.ksize, cy.len[done], rowAcc);
                out.row(done, rowAcc, cw);
            }
        }
    }

    /** Filters source rows {@code [r0, r1)} horizontally into {@code mid[midRow...]}. */
    private static void horizontalBlock(RgbImage in, Coefficients c, int r0, int r1, int[][] mid, int midRow,
            Work work) {
        int lanes = (r1 - r0) * 3;
        int cols = c.endSource - c.firstSource;
        int[][] t = work.columns(cols);
        transpose(in, c.firstSource, cols, r0, r1, t);
        int[] acc = work.blockAcc(lanes);
        for (int j = 0; j < c.count(); j++) {
            multiplyAdd(t, c.min[j] - c.firstSource, lanes, c.k, j * c.ksize, c.len[j], acc);
            for (int q = 0, row = midRow, o = j * 3; q < lanes; q += 3, row++) {
                int[] m = mid[row];
                m[o] = clip8(acc[q]);
                m[o + 1] = clip8(acc[q + 1]);
                m[o + 2] = clip8(acc[q + 2]);
            }
        }
    }

    /** Columns {@code [col0, col0+cols)} of rows {@code [r0, r1)} into {@code t[column][row * 3 + channel]}. */
    private static void transpose(RgbImage in, int col0, int cols, int r0, int r1, int[][] t) {
        byte[] src = in.pixels();
        int inStride = in.width() * 3;
        for (int x = 0; x < cols; x++) {
            int[] column = t[x];
            int s = r0 * inStride + (col0 + x) * 3;
            for (int d = 0, end = (r1 - r0) * 3; d < end; d += 3, s += inStride) {
                column[d] = src[s] & 0xff;
                column[d + 1] = src[s + 1] & 0xff;
                column[d + 2] = src[s + 2] & 0xff;
            }
        }
    }

    /**
     * {@code acc[q] = HALF + sum over taps i of src[first + i][q] * k[k0 + i]} for q in {@code [0, span)}: Pillow's
     * accumulation for {@code span} samples at once (integer sums are exact in any order). Each tap reads its own
     * array from index 0: reading at an offset into one shared int array, C2 (JDK 17) cannot rule out overlap with
     * {@code acc} and does not vectorise (measured in isolation: 0.12 ns per multiply-add this way, 0.6-0.8 ns with
     * an offset, the same as with SuperWord switched off).
     */
    private static void multiplyAdd(int[][] src, int first, int span, int[] k, int k0, int taps, int[] acc) {
        if (taps == 0) {
            java.util.Arrays.fill(acc, 0, span, HALF);
            return;
        }
        int[] s0 = src[first];
        int w0 = k[k0];
        for (int q = 0; q < span; q++) {
            acc[q] = HALF + s0[q] * w0;
        }
        for (int i = 1; i < taps; i++) {
            int[] s = src[first + i];
            int w = k[k0 + i];
            for (int q = 0; q < span; q++) {
                acc[q] += s[q] * w;
            }
        }
    }

    /** {@link #clip8(int)} in place over {@code acc[0, n)}, a loop C2 vectorises. */
    private static void clip8(int[] acc, int n) {
        for (int q = 0; q < n; q++) {
            acc[q] = clip8(acc[q]);
        }
    }

    static int clip8(int v) {
        // Pillow's clip8: >= 2^30 is 255, <= 0 is 0, else v >> 22 (the same for every int, without branches).
        return Math.min(Math.max(v >> PRECISION_BITS, 0), 255);
    }

    /** Where the window's rows go: 8-bit pixels, or floats through a preprocessing table. */
    private record Output(byte[] bytes, Preprocessing.ChannelTable table, float[] floats, int offset) {

        void row(int y, int[] acc, int width) {
            int n = width * 3;
            clip8(acc, n);
            if (bytes != null) {
                for (int q = 0, o = y * n; q < n; q++) {
                    bytes[o + q] = (byte) acc[q];
                }
                return;
            }
            float[] lut = table.lut();
            int s0 = table.sourceChannel()[0];
            int s1 = table.sourceChannel()[1];
            int s2 = table.sourceChannel()[2];
            for (int q = 0, d = offset + y * n; q < n; q += 3, d += 3) {
                floats[d] = lut[acc[q + s0]];
                floats[d + 1] = lut[256 + acc[q + s1]];
                floats[d + 2] = lut[512 + acc[q + s2]];
            }
        }
    }

    /** One thread's buffers and recently used coefficients. */
    private static final class Work {

        /** Buffers above this many ints (16 MB) are allocated per call rather than kept by the thread. */
        static final int MAX_KEPT_INTS = 4 << 20;
        /** Two axes of a few recent sizes: a stream of one camera's frames computes its coefficients once. */
        private final Coefficients[] recent = new Coefficients[8];
        private int nextRecent;
        private final int[][] buffers = new int[2][0];
        private int[][] columns = new int[0][];
        private int[][] mid = new int[0][];

        Coefficients coefficients(int inSize, int outSize, int first, int count) {
            for (Coefficients c : recent) {
                if (c != null && c.matches(inSize, outSize, first, count)) {
                    return c;
                }
            }
            Coefficients c = Coefficients.of(inSize, outSize, first, count);
            recent[nextRecent] = c;
            nextRecent = (nextRecent + 1) % recent.length;
            return c;
        }

        /** At least {@code count} arrays of {@code 3 * BLOCK_ROWS} ints, one per source column. */
        int[][] columns(int count) {
            if (columns.length >= count) {
                return columns;
            }
            if ((long) count * BLOCK_ROWS * 3 > MAX_KEPT_INTS) {
                return rows(new int[0][], count, BLOCK_ROWS * 3);
            }
            return columns = rows(columns, count, BLOCK_ROWS * 3);
        }

        /** At least {@code count} arrays of at least {@code width} ints, one per intermediate row. */
        int[][] mid(int count, int width) {
            if (mid.length >= count && mid[0].length >= width) {
                return mid;
            }
            if ((long) count * width > MAX_KEPT_INTS) {
                return rows(new int[0][], count, width);
            }
            return mid = rows(mid, count, width);
        }

        int[] blockAcc(int size) {
            return buffer(0, size);
        }

        int[] rowAcc(int size) {
            return buffer(1, size);
        }

        private static int[][] rows(int[][] kept, int count, int width) {
            int[][] out = new int[Math.max(count, kept.length)][];
            int w = Math.max(width, kept.length == 0 ? 0 : kept[0].length);
            for (int i = 0; i < out.length; i++) {
                out[i] = i < kept.length && kept[i].length == w ? kept[i] : new int[w];
            }
            return out;
        }

        /** A buffer of at least {@code size} ints holding garbage; kept for the next call unless huge. */
        private int[] buffer(int slot, int size) {
            if (buffers[slot].length >= size) {
                return buffers[slot];
            }
            int[] fresh = new int[size];
            if (size <= MAX_KEPT_INTS) {
                buffers[slot] = fresh;
            }
            return fresh;
        }
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc}, for output positions [first, first+count). */
    record Coefficients(int inSize, int outSize, int first, int ksize, int[] min, int[] len, int[] k, int firstSource,
            int endSource) {

        static Coefficients of(int inSize, int outSize, int first, int count) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[count];
            int[] len = new int[count];
            int[] k = new int[count * ksize];
            double[] w = new double[ksize];
            int firstSource = Integer.MAX_VALUE;
            int endSource = 0;
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
                firstSource = Math.min(firstSource, xmin);
                endSource = Math.max(endSource, xmin + xmax);
            }
            return new Coefficients(inSize, outSize, first, ksize, min, len, k, firstSource, endSource);
        }

        boolean matches(int inSize, int outSize, int first, int count) {
            return this.inSize == inSize && this.outSize == outSize && this.first == first && count() == count;
        }

        int count() {
            return min.length;
        }

        private static double triangle(double x) {
            x = Math.abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    }
}
