package dev.vggstream.train;

import java.util.SplittableRandom;

/**
 * Training-time augmentation on prepared 8-bit RGB images: a random crop of the image padded with zeros
 * (torchvision's {@code RandomCrop(size, padding)}) and a random horizontal flip. Writes into a caller's buffer.
 */
final class Augment {

    private Augment() {
    }

    /**
     * @param src     {@code side * side * 3} bytes
     * @param dst     the same size; gets the shifted (and maybe mirrored) image
     * @param padding the largest shift, in pixels, each way
     */
    static void cropAndFlip(byte[] src, byte[] dst, int side, int padding, boolean flip, SplittableRandom random) {
        int dx = padding == 0 ? 0 : random.nextInt(2 * padding + 1) - padding;
        int dy = padding == 0 ? 0 : random.nextInt(2 * padding + 1) - padding;
        boolean mirror = flip && random.nextBoolean();
        shift(src, dst, side, dx, dy, mirror);
    }

    /** {@code dst(x, y) = src(x + dx, y + dy)}, 0 outside; then mirrored left-right when {@code mirror}. */
    static void shift(byte[] src, byte[] dst, int side, int dx, int dy, boolean mirror) {
        for (int y = 0; y < side; y++) {
            int sy = y + dy;
            int row = y * side;
            if (sy < 0 || sy >= side) {
                java.util.Arrays.fill(dst, row * 3, (row + side) * 3, (byte) 0);
                continue;
            }
            for (int x = 0; x < side; x++) {
                int sx = (mirror ? side - 1 - x : x) + dx;
                int d = (row + x) * 3;
                if (sx < 0 || sx >= side) {
                    dst[d] = 0;
                    dst[d + 1] = 0;
                    dst[d + 2] = 0;
                } else {
                    int s = (sy * side + sx) * 3;
                    dst[d] = src[s];
                    dst[d + 1] = src[s + 1];
                    dst[d + 2] = src[s + 2];
                }
            }
        }
    }
}
