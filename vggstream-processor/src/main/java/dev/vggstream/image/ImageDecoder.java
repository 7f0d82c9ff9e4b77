package dev.vggstream.image;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadUpdateListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * JPEG and PNG bytes to 8-bit RGB, the way the reference Python stack sees them: alpha dropped (not composited),
 * palettes expanded, grey replicated, 16-bit samples reduced to their high byte, CMYK JPEGs converted, and the EXIF
 * orientation applied, and embedded ICC profiles not applied (samples as stored). Limits are checked on the header
 * before any pixel is allocated; decoder warnings (a truncated or corrupt JPEG that the JDK would otherwise pad with
 * grey) are errors; a decode that runs past {@link ImageLimits#decodeTimeoutMs()} is stopped (see
 * {@code Deadline}). Thread-safe.
 */
public final class ImageDecoder {

    static {
        // Decoding from memory: never spill to temporary files.
        ImageIO.setUseCache(false);
    }

    private static final String JDK_JPEG = "com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi";
    private static final String JDK_PNG = "com.sun.imageio.plugins.png.PNGImageReaderSpi";
    private static final String TWELVEMONKEYS_JPEG = "com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi";

    private final ImageLimits limits;
    private final JpegCodec jpegCodec;
    private final JpegScale jpegScale;
    private final List<ImageReaderSpi> jpegReaders;
    private final ImageReaderSpi pngReader;

    public ImageDecoder(ImageLimits limits) {
        this(limits, JpegCodec.JDK);
    }

    public ImageDecoder(ImageLimits limits, JpegCodec jpegCodec) {
        this(limits, jpegCodec, JpegScale.EXACT);
    }

    /**
     * @param jpegScale {@link JpegScale#AUTO} decodes large JPEGs at a reduced size when the decoder is libjpeg-turbo;
     *                  with the JDK's it changes nothing (ImageIO has no DCT-domain scaling: its source subsampling
     *                  decodes every pixel and then drops rows and columns, which costs as much and aliases)
     */
    public ImageDecoder(ImageLimits limits, JpegCodec jpegCodec, JpegScale jpegScale) {
        this.limits = limits;
        this.jpegCodec = jpegCodec;
        this.jpegScale = jpegScale;
        // The JDK's JPEG decoder is the faster; TwelveMonkeys reads what it refuses (CMYK, YCCK, odd Adobe files).
        this.jpegReaders = spis("jpeg", JDK_JPEG, TWELVEMONKEYS_JPEG);
        this.pngReader = spis("png", JDK_PNG).get(0);
    }

    public ImageLimits limits() {
        return limits;
    }

    /** Checks size and header; returns the header. */
    public ImageHeader check(byte[] data) throws ImageException {
        if (data == null || data.length == 0) {
            throw new ImageException(ImageException.Reason.EMPTY, "empty image");
        }
        if (data.length > limits.maxBytes()) {
            throw new ImageException(ImageException.Reason.TOO_MANY_BYTES,
                    "image of " + data.length + " bytes is over the limit of " + limits.maxBytes() + " bytes");
        }
        ImageHeader h = ImageHeader.read(data);
        if (h.pixels() > limits.maxPixels()) {
            throw new ImageException(ImageException.Reason.TOO_MANY_PIXELS, "image declares " + h.width() + "x"
                    + h.height() + " = " + h.pixels() + " pixels, over the limit of " + limits.maxPixels());
        }
        if (Math.min(h.width(), h.height()) < limits.minSide()) {
            throw new ImageException(ImageException.Reason.TOO_SMALL, "image of " + h.width() + "x" + h.height()
                    + " is smaller than " + limits.minSide() + " px on a side");
        }
        if (h.dataBytes() < h.minDataBytes()) {
            // Before the decoder allocates the declared image only to pad it out: a 4 KB JPEG declaring 6000x6000
            // is within the pixel limit but would cost 200 MB and most of a second.
            throw new ImageException(ImageException.Reason.TRUNCATED, h.format() + " declares " + h.width() + "x"
                    + h.height() + " but holds " + h.dataBytes() + " bytes of image data, fewer than the "
                    + h.minDataBytes() + " that size needs at the very least: truncated, or a decompression bomb");
        }
        return h;
    }

    public RgbImage decode(byte[] data) throws ImageException {
        return decode(data, null);
    }

    /**
     * {@link #decode(byte[])}, into {@code scratch}'s buffer where the decoder allows (libjpeg-turbo): the pixels
     * are then only good until the scratch is used again.
     */
    RgbImage decode(byte[] data, PixelScratch scratch) throws ImageException {
        return decode(data, scratch, null);
    }

    /**
     * {@link #decode(byte[], PixelScratch)}, at a reduced size when this decoder's {@link JpegScale} is AUTO, the
     * image goes to libjpeg-turbo and {@code target} (the resize step that follows) still gets the pixels it needs;
     * at full size when {@code target} is null.
     */
    RgbImage decode(byte[] data, PixelScratch scratch, ImagePreparer target) throws ImageException {
        ImageHeader header = check(data);
        if (jpegCodec == JpegCodec.LIBJPEG_TURBO && header.format() == ImageFormat.JPEG && header.components() != 4) {
            int reduction = jpegScale == JpegScale.AUTO && target != null
                    ? JpegScale.reduction(header.width(), header.height(), header.orientation(), target) : 1;
            // no deadline: a TensorFlow call cannot be stopped, and libjpeg-turbo needs milliseconds for the
            // progressive files that keep the JDK decoding for seconds
            return Orientation.apply(TfJpegDecoder.shared().decode(data, header, scratch, reduction),
                    header.orientation());
        }
        Deadline deadline = new Deadline(limits.decodeTimeoutMs());
        BufferedImage image = header.format() == ImageFormat.JPEG ? readJpeg(data, header, deadline, scratch)
                : read(pngReader, data, deadline, null);
        if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
            throw new ImageException(ImageException.Reason.CORRUPT, "decoded " + image.getWidth() + "x"
                    + image.getHeight() + " but the header declares " + header.width() + "x" + header.height());
        }
        return Orientation.apply(Rasters.toRgb(image, scratch), header.orientation());
    }

    private BufferedImage readJpeg(byte[] data, ImageHeader header, Deadline deadline, PixelScratch scratch)
            throws ImageException {
        ImageException first = null;
        // The JDK decodes four-component (CMYK, YCCK) JPEGs without complaint but into the wrong colours.
        List<ImageReaderSpi> readers = header.components() == 4 && jpegReaders.size() > 1
                ? jpegReaders.subList(1, jpegReaders.size()) : jpegReaders;
        for (ImageReaderSpi spi : readers) {
            try {
                // The JDK would colour-convert from an embedded profile to sRGB (slowly, row by row); Pillow passes
                // the samples through. Without the profile segments the JDK does too.
                boolean jdk = spi.getClass().getName().equals(JDK_JPEG);
                return read(spi, jdk && header.iccProfile() ? header.withoutIccProfile(data) : data, deadline,
                        jdk && scratch != null ? scratch.bgr(header.width(), header.height()) : null);
            } catch (ImageException e) {
                if (e.reason() != ImageException.Reason.UNSUPPORTED_FORMAT) {
                    throw e;
                }
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    /**
     * Reads the first image; into {@code reuse} (a BGR image of the header's size, or null) when the reader would
     * make that type anyway: a 1080p frame is then not a new 6 MB array to zero and collect (a humongous object for
     * G1) on every decode.
     */
    private static BufferedImage read(ImageReaderSpi spi, byte[] data, Deadline deadline, BufferedImage reuse)
            throws ImageException {
        ImageReader reader;
        try {
            reader = spi.createReaderInstance();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create image reader " + spi.getPluginClassName(), e);
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener(stopOnBrokenData(warnings));
        reader.addIIOReadUpdateListener(deadline);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            BufferedImage image = reader.read(0, readParam(reader, reuse));
            deadline.checkNotExpired();
            checkWarnings(warnings);
            return image;
        } catch (DecodeTimeout e) {
            throw deadline.exceeded();
        } catch (BrokenData e) {
            checkWarnings(warnings);
            throw new IllegalStateException("stopped on a warning that is not there", e);
        } catch (IIOException e) {
            deadline.checkNotExpired();
            throw classify(e);
        } catch (IOException | RuntimeException e) {
            deadline.checkNotExpired();
            // Decoders throw anything on hostile input (IndexOutOfBounds, IllegalArgument, NegativeArraySize...).
            throw new ImageException(ImageException.Reason.CORRUPT, "cannot decode image: " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReadParam readParam(ImageReader reader, BufferedImage reuse) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        // the reader's first type is the one it would create (a YCbCr JPEG: 3-byte BGR)
        if (reuse != null && reader.getWidth(0) == reuse.getWidth() && reader.getHeight(0) == reuse.getHeight()
                && reader.getImageTypes(0).next().getBufferedImageType() == reuse.getType()) {
            param.setDestination(reuse);
        }
        return param;
    }

    /**
     * The per-image decode time bound ({@code image.decode-timeout-ms}), enforced on the decoding thread itself.
     *
     * <p>Why not hand the decode to another thread and stop waiting after the timeout: that costs a hand-off on
     * every image (tens of microseconds against ~300 us for a 224x224 JPEG) and does not stop the work. The JDK's
     * JPEG reader is locked to the thread reading with it ({@code abort()} from any other thread throws
     * IllegalStateException), and even an accepted abort only skips the output: the native decoder still consumes
     * every remaining scan. The CPU would go on burning on an abandoned thread.
     *
     * <p>Instead this listener is called by the decoder itself: once per decoded row (the JDK's JPEG reader, and
     * TwelveMonkeys' through it, and the PNG reader all report every row) and at the start and end of every
     * progressive pass. Past the deadline it throws, which unwinds the native JPEG decoder through its error exit
     * at once, and the PNG reader through its row loop. Cost: a call per row and a clock read every 8 rows, within
     * measurement noise (about 2% of the CPU time of a 224x224 JPEG at most).
     *
     * <p>What can still run between two checks is bounded by the other limits, not by the file's structure: one
     * group of rows (at most {@code max-pixels} samples), one scan's entropy data (at most {@code max-bytes}),
     * one scan's blocks. What the checks exist for is the one multiplier that no size limit bounds: the number of
     * passes. The JDK decodes a progressive JPEG as one full output pass per scan, and a valid file may have
     * nearly 900 scans per component in a few bytes each; 40 KB of them take it half a minute at 1024x1024. The
     * header and CRC checks before, and the conversion to RGB after, are linear in the bytes and pixels.
     */
    private static final class Deadline implements IIOReadUpdateListener {
        private final long timeoutMs;
        private final long deadlineNanos;
        private int rows;
        private boolean expired;

        Deadline(long timeoutMs) {
            this.timeoutMs = timeoutMs;
            this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
        }

        private void check() {
            if (System.nanoTime() - deadlineNanos > 0) {
                expired = true;
                throw new DecodeTimeout();
            }
        }

        /** After the reader returned or threw: a reader that swallowed our exception still timed out. */
        void checkNotExpired() throws ImageException {
            if (expired) {
                throw exceeded();
            }
        }

        ImageException exceeded() {
            return new ImageException(ImageException.Reason.TIMEOUT,
                    "decoding took longer than " + timeoutMs + " ms (image.decode-timeout-ms) and was stopped");
        }

        @Override
        public void imageUpdate(ImageReader source, BufferedImage theImage, int minX, int minY, int width,
                                int height, int periodX, int periodY, int[] bands) {
            if ((++rows & 7) == 0) { // the clock every 8 rows: a row is a few microseconds
                check();
            }
        }

        @Override
        public void passStarted(ImageReader source, BufferedImage theImage, int pass, int minPass, int maxPass,
                                int minX, int minY, int periodX, int periodY, int[] bands) {
            check();
        }

        @Override
        public void passComplete(ImageReader source, BufferedImage theImage) {
            check();
        }

        @Override
        public void thumbnailPassStarted(ImageReader source, BufferedImage theThumbnail, int pass, int minPass,
                                         int maxPass, int minX, int minY, int periodX, int periodY, int[] bands) {
            check();
        }

        @Override
        public void thumbnailUpdate(ImageReader source, BufferedImage theThumbnail, int minX, int minY, int width,
                                    int height, int periodX, int periodY, int[] bands) {
            check();
        }

        @Override
        public void thumbnailPassComplete(ImageReader source, BufferedImage theThumbnail) {
            check();
        }
    }

    /** Thrown through the decoder from {@link Deadline}; never leaves this class. */
    private static final class DecodeTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DecodeTimeout() {
            super("decode timeout", null, false, false);
        }
    }

    /**
     * Decoders report damaged data as warnings and return an image padded with grey; those are errors here.
     * Other warnings (TwelveMonkeys' note that a CMYK file has no ICC profile) are not.
     */
    static boolean meansBrokenData(String warning) {
        String w = warning.toLowerCase(java.util.Locale.ROOT);
        if (w.contains("color profile") || w.contains("colour profile")) {
            // "Embedded color profile is invalid; ignored": the profile is metadata; the pixels are fine, and
            // are read as stored (as Pillow does) whatever the profile says
            return false;
        }
        return w.contains("corrupt") || w.contains("premature") || w.contains("truncated") || w.contains("missing eoi")
                || w.contains("bogus") || w.contains("invalid") || w.contains("extraneous") || w.contains("bad ");
    }

    private static ImageException classify(IIOException e) {
        String m = describe(e);
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("unsupported image type") || lower.contains("unsupported color conversion")
                || lower.contains("unsupported jpeg process")) {
            return new ImageException(ImageException.Reason.UNSUPPORTED_FORMAT, "unsupported image: " + m, e);
        }
        if (meansCutOff(m) || causedBy(e, EOFException.class)) {
            return new ImageException(ImageException.Reason.TRUNCATED, "image data is truncated: " + m, e);
        }
        return new ImageException(ImageException.Reason.CORRUPT, "cannot decode image: " + m, e);
    }

    /**
     * Whether a decoder's message says the file was cut off (TRUNCATED) rather than damaged (CORRUPT). libjpeg's
     * "Corrupt JPEG data: premature end of data segment" is damage: the entropy decoder met a marker inside data that
     * should have gone on (a corrupted scan); a file cut off reads "Premature end of JPEG file" or "Missing EOI".
     */
    static boolean meansCutOff(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("corrupt jpeg data")) {
            return false;
        }
        return m.contains("premature end") || m.contains("unexpected end") || m.contains("eof")
                || m.contains("truncated");
    }

    /** The messages of {@code e} and its causes, e.g. "Error reading PNG image data: invalid block type". */
    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null && s.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m == null || m.isBlank()) {
                m = t == e || t.getCause() == null ? t.getClass().getSimpleName() : null;
            }
            if (m != null && s.indexOf(m) < 0) {
                s.append(s.length() == 0 ? "" : ": ").append(m);
            }
        }
        return s.toString();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void checkWarnings(List<String> warnings) throws ImageException {
        String w = warnings.stream().filter(ImageDecoder::meansBrokenData).findFirst().orElse(null);
        if (w != null) {
            boolean truncated = meansCutOff(w);
            throw new ImageException(truncated ? ImageException.Reason.TRUNCATED : ImageException.Reason.CORRUPT,
                    "image data is " + (truncated ? "truncated" : "corrupt") + ": " + w);
        }
    }

    /**
     * Collects warnings, and stops the decode at the first that means broken data: the image will be refused, and
     * the rest of the decode would only fill it in (the JDK pads a truncated JPEG, one full pass per remaining
     * progressive scan). Thrown from the decoder's warning callback, it unwinds the native decoder at once.
     */
    private static IIOReadWarningListener stopOnBrokenData(List<String> warnings) {
        return (source, warning) -> {
            warnings.add(warning);
            if (meansBrokenData(warning)) {
                throw new BrokenData();
            }
        };
    }

    /** Thrown through the decoder by {@link #stopOnBrokenData}; never leaves this class. */
    private static final class BrokenData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BrokenData() {
            super("broken data", null, false, false);
        }
    }

    private static List<ImageReaderSpi> spis(String format, String... preferred) {
        List<ImageReaderSpi> all = new ArrayList<>();
        Iterator<ImageReaderSpi> it = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
        while (it.hasNext()) {
            all.add(it.next());
        }
        List<ImageReaderSpi> out = new ArrayList<>();
        for (String name : preferred) {
            all.stream().filter(s -> s.getClass().getName().equals(name)).findFirst().ifPresent(out::add);
        }
        if (out.isEmpty()) {
            // Unusual runtime: take whatever reads the format.
            all.stream().filter(s -> List.of(s.getFormatNames()).contains(format)).forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no ImageIO reader for " + format);
        }
        return out;
    }
}
