package dev.vggstream.image;

/**
 * 8-bit RGB pixels, row-major, interleaved R, G, B.
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width < 1 || height < 1 || pixels.length < (long) width * height * 3) {
            throw new IllegalArgumentException("bad image " + width + "x" + height + " with " + pixels.length + " bytes");
        }
    }

    public int get(int x, int y, int channel) {
        return pixels[(y * width + x) * 3 + channel] & 0xff;
    }
}
