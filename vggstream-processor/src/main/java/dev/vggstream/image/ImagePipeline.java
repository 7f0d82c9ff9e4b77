package dev.vggstream.image;

/**
 * Encoded image bytes to one model input: decode (with limits), then resize, crop and preprocess.
 * Thread-safe; the one path the CLI, the processor and the benchmarks share.
 */
public final class ImagePipeline {

    /** Decoded pixels live only within {@link #prepare(byte[], float[], int)}: each thread reuses its buffer. */
    private static final ThreadLocal<PixelScratch> SCRATCH = ThreadLocal.withInitial(PixelScratch::new);

    private final ImageDecoder decoder;
    private final ImagePreparer preparer;

    public ImagePipeline(ImageDecoder decoder, ImagePreparer preparer) {
        this.decoder = decoder;
        this.preparer = preparer;
    }

    public ImagePipeline(ImageLimits limits, int height, int width, Preprocessing preprocessing) {
        this(new ImageDecoder(limits), new ImagePreparer(height, width, preprocessing));
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    public ImagePreparer preparer() {
        return preparer;
    }

    public int floats() {
        return preparer.floats();
    }

    /** Decodes and prepares into {@code dst[offset, offset + floats())}. */
    public void prepare(byte[] encoded, float[] dst, int offset) throws ImageException {
        RgbImage rgb = decoder.decode(encoded, SCRATCH.get(), preparer);
        preparer.prepare(rgb, dst, offset);
    }

    /**
     * The 8-bit pixels {@link #prepare} turns into floats: decoded (at a reduced size if the decoder's
     * {@link JpegScale} allows), resized and cropped to the model's size. For comparing decoders.
     */
    public RgbImage modelPixels(byte[] encoded) throws ImageException {
        return preparer.resizeAndCrop(decoder.decode(encoded, null, preparer));
    }

    public float[] prepare(byte[] encoded) throws ImageException {
        float[] out = new float[floats()];
        prepare(encoded, out, 0);
        return out;
    }
}
