package dev.vggstream.image;

/** Applies an EXIF orientation, so the pixels are the way a viewer shows the picture. */
final class Orientation {
    private Orientation() {
    }

    /**
     * @param orientation EXIF value: 1 as stored, 2 mirrored, 3 rotated 180, 4 flipped, 5 transposed, 6 rotated 90
     *                    clockwise, 7 transversed, 8 rotated 90 counter-clockwise
     */
    static RgbImage apply(RgbImage in, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return in;
        }
        int w = in.width();
        int h = in.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = in.pixels();
        byte[] dst = new byte[ow * oh * 3];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                int s = (sy * w + sx) * 3;
                int d = (y * ow + x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, dst);
    }
}
