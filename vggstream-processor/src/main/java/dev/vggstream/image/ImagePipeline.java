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
        RgbImage rgb = decoder.decode(encoded, SCRATCH.get());
        preparer.prepare(rgb, dst, offset);
    }

    public float[] prepare(byte[] encoded) throws ImageException {
        float[] out = new float[floats()];
        prepare(encoded, out, 0);
        return out;
    }
}
