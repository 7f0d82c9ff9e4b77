package dev.vggstream.image;

import java.util.Random;

/** Pixels for resampler tests and comparisons, made in memory: no files, no encoder. */
final class TestImages {

    private TestImages() {
    }

    /** Uniform noise: every byte independent, the hardest case for rounding. */
    static RgbImage noise(int w, int h, Random r) {
        byte[] px = new byte[w * h * 3];
        r.nextBytes(px);
        return new RgbImage(w, h, px);
    }

    /** Camera-like: a colour gradient with sensor noise and a few flat blocks, so edges and near-255 values occur. */
    static RgbImage scene(int w, int h, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[w * h * 3];
        int[] c0 = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
        int[] c1 = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = (x + y) / (double) (w + h);
                for (int c = 0; c < 3; c++, i++) {
                    int v = (int) (c0[c] + (c1[c] - c0[c]) * t) + r.nextInt(17) - 8;
                    px[i] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        for (int k = 0; k < 8; k++) {
            int bw = 1 + r.nextInt(Math.max(1, w / 3));
            int bh = 1 + r.nextInt(Math.max(1, h / 3));
            int bx = r.nextInt(w - bw + 1);
            int by = r.nextInt(h - bh + 1);
            byte[] colour = {(byte) (k % 2 == 0 ? 255 : r.nextInt(256)), (byte) r.nextInt(256), (byte) r.nextInt(256)};
            for (int y = by; y < by + bh; y++) {
                for (int x = bx; x < bx + bw; x++) {
                    System.arraycopy(colour, 0, px, (y * w + x) * 3, 3);
                }
            }
        }
        return new RgbImage(w, h, px);
    }

    /** The resize and crop window {@link ImagePreparer} chooses, recomputed with torchvision's rules. */
    record Window(int outW, int outH, int x0, int y0) {

        static Window of(ImagePreparer p, RgbImage img) {
            int s = p.resizeShorterSide();
            int w = img.width();
            int h = img.height();
            int outW = w <= h ? s : (int) ((double) s * w / h);
            int outH = w <= h ? (int) ((double) s * h / w) : s;
            return new Window(outW, outH, (int) Math.rint((outW - p.width()) / 2.0),
                    (int) Math.rint((outH - p.height()) / 2.0));
        }
    }
}
