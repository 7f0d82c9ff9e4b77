package dev.vggstream.image;

/**
 * Decoded pixels to one model input, as ImageNet evaluation prepares them (torchvision's {@code Resize} of the
 * shorter side to 256/224 of the input size, {@code CenterCrop}, then the model's preprocessing). An image already
 * at the model's size is used as it is. Thread-safe.
 */
public final class ImagePreparer {

    private final int height;
    private final int width;
    private final Preprocessing preprocessing;
    private final Preprocessing.ChannelTable table;

    public ImagePreparer(int height, int width, Preprocessing preprocessing) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("bad model input size " + width + "x" + height);
        }
        this.height = height;
        this.width = width;
        this.preprocessing = preprocessing;
        this.table = preprocessing.table();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Floats one prepared image takes. */
    public int floats() {
        return height * width * 3;
    }

    /** The shorter side is resized to this before the center crop: {@code round(min(h, w) * 256 / 224)}. */
    public int resizeShorterSide() {
        return (int) Math.floor(Math.min(height, width) * 256.0 / 224.0 + 0.5);
    }

    /** Resize + center crop to the model's size, in 8-bit RGB. */
    public RgbImage resizeAndCrop(RgbImage img) {
        if (img.width() == width && img.height() == height) {
            return img;
        }
        int shorter = resizeShorterSide();
        int w = img.width();
        int h = img.height();
        int outW;
        int outH;
        // torchvision: the shorter side becomes `size`, the longer int(size * long / short)
        if (w <= h) {
            outW = shorter;
            outH = (int) ((double) shorter * h / w);
        } else {
            outH = shorter;
            outW = (int) ((double) shorter * w / h);
        }
        if (outW < width || outH < height) {
            // Only for model sizes far from square; torchvision would pad here. Upscale the crop instead.
            double f = Math.max((double) width / outW, (double) height / outH);
            outW = (int) Math.ceil(outW * f);
            outH = (int) Math.ceil(outH * f);
        }
        int top = roundHalfEven((outH - height) / 2.0);
        int left = roundHalfEven((outW - width) / 2.0);
        if (outW == w && outH == h) {
            return Resampler.crop(img, left, top, width, height);
        }
        return Resampler.resizeWindow(img, outW, outH, left, top, width, height);
    }

    /** Python's {@code round}, which torchvision's center crop uses: halves go to the even neighbour. */
    static int roundHalfEven(double v) {
        return (int) Math.rint(v);
    }

    /** Resize, crop and preprocess into {@code dst[offset, offset + floats())}. */
    public void prepare(RgbImage img, float[] dst, int offset) {
        RgbImage ready = resizeAndCrop(img);
        toFloats(ready, dst, offset);
    }

    public float[] prepare(RgbImage img) {
        float[] out = new float[floats()];
        prepare(img, out, 0);
        return out;
    }

    /** Applies the preprocessing to an image already at the model's size. */
    public void toFloats(RgbImage img, float[] dst, int offset) {
        if (img.width() != width || img.height() != height) {
            throw new IllegalArgumentException("image is " + img.width() + "x" + img.height() + ", expected " + width
                    + "x" + height);
        }
        byte[] p = img.pixels();
        float[] lut = table.lut();
        int s0 = table.sourceChannel()[0];
        int s1 = table.sourceChannel()[1];
        int s2 = table.sourceChannel()[2];
        int n = width * height;
        for (int i = 0, src = 0, d = offset; i < n; i++, src += 3, d += 3) {
            dst[d] = lut[p[src + s0] & 0xff];
            dst[d + 1] = lut[256 + (p[src + s1] & 0xff)];
            dst[d + 2] = lut[512 + (p[src + s2] & 0xff)];
        }
    }
}
