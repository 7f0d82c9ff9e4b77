package dev.vggstream.image;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * JPEG and PNG bytes to 8-bit RGB, the way the reference Python stack sees them: alpha dropped (not composited),
 * palettes expanded, grey replicated, 16-bit samples reduced to their high byte, CMYK JPEGs converted, and the EXIF
 * orientation applied. Limits are checked on the header before any pixel is allocated; decoder warnings (a
 * truncated or corrupt JPEG that the JDK would otherwise pad with grey) are errors. Thread-safe.
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
    private final List<ImageReaderSpi> jpegReaders;
    private final ImageReaderSpi pngReader;

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
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
        return h;
    }

    public RgbImage decode(byte[] data) throws ImageException {
        ImageHeader header = check(data);
        BufferedImage image = header.format() == ImageFormat.JPEG ? readJpeg(data, header) : read(pngReader, data);
        if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
            throw new ImageException(ImageException.Reason.CORRUPT, "decoded " + image.getWidth() + "x"
                    + image.getHeight() + " but the header declares " + header.width() + "x" + header.height());
        }
        return Orientation.apply(Rasters.toRgb(image), header.orientation());
    }

    private BufferedImage readJpeg(byte[] data, ImageHeader header) throws ImageException {
        ImageException first = null;
        // The JDK decodes four-component (CMYK, YCCK) JPEGs without complaint but into the wrong colours.
        List<ImageReaderSpi> readers = header.components() == 4 && jpegReaders.size() > 1
                ? jpegReaders.subList(1, jpegReaders.size()) : jpegReaders;
        for (ImageReaderSpi spi : readers) {
            try {
                return read(spi, data);
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

    private static BufferedImage read(ImageReaderSpi spi, byte[] data) throws ImageException {
        ImageReader reader;
        try {
            reader = spi.createReaderInstance();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create image reader " + spi.getPluginClassName(), e);
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener(collect(warnings));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            BufferedImage image = reader.read(0);
            String w = warnings.stream().filter(ImageDecoder::meansBrokenData).findFirst().orElse(null);
            if (w != null) {
                String lw = w.toLowerCase(java.util.Locale.ROOT);
                boolean truncated = lw.contains("premature end") || lw.contains("truncated");
                throw new ImageException(truncated ? ImageException.Reason.TRUNCATED : ImageException.Reason.CORRUPT,
                        "image data is " + (truncated ? "truncated" : "corrupt") + ": " + w);
            }
            return image;
        } catch (IIOException e) {
            throw classify(e);
        } catch (IOException | RuntimeException e) {
            // Decoders throw anything on hostile input (IndexOutOfBounds, IllegalArgument, NegativeArraySize...).
            throw new ImageException(ImageException.Reason.CORRUPT, "cannot decode image: " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decoders report damaged data as warnings and return an image padded with grey; those are errors here.
     * Other warnings (TwelveMonkeys' note that a CMYK file has no ICC profile) are not.
     */
    static boolean meansBrokenData(String warning) {
        String w = warning.toLowerCase(java.util.Locale.ROOT);
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
        if (lower.contains("premature end") || lower.contains("unexpected end") || lower.contains("eof")
                || lower.contains("truncated")) {
            return new ImageException(ImageException.Reason.TRUNCATED, "image data is truncated: " + m, e);
        }
        return new ImageException(ImageException.Reason.CORRUPT, "cannot decode image: " + m, e);
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        String m = t.getMessage();
        while ((m == null || m.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            m = t.getMessage();
        }
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static IIOReadWarningListener collect(List<String> warnings) {
        return (source, warning) -> warnings.add(warning);
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
