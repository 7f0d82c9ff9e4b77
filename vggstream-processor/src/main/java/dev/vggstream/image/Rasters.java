package dev.vggstream.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;

/**
 * Decoded images to 8-bit RGB by reading samples, not through {@code getRGB}: Java's colour management would
 * otherwise change values (linear grey, embedded profiles) that Pillow passes through unchanged.
 */
final class Rasters {
    private Rasters() {
    }

    static RgbImage toRgb(BufferedImage img) {
        return toRgb(img, null);
    }

    /** {@link #toRgb(BufferedImage)} into {@code scratch}'s buffer, or a new array when it is null. */
    static RgbImage toRgb(BufferedImage img, PixelScratch scratch) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = scratch == null ? new byte[w * h * 3] : scratch.take(w * h * 3);
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm instanceof IndexColorModel icm) {
            palette(raster, icm, out, w, h);
        } else if (cm instanceof ComponentColorModel && fastBytes(raster)) {
            interleavedBytes(raster, cm.getNumColorComponents(), out, w, h);
        } else if (cm instanceof ComponentColorModel) {
            components(raster, cm, out, w, h);
        } else {
            packed(img, out, w, h);
        }
        return new RgbImage(w, h, out);
    }

    private static boolean fastBytes(Raster r) {
        SampleModel sm = r.getSampleModel();
        return r.getDataBuffer() instanceof DataBufferByte && sm instanceof PixelInterleavedSampleModel
                && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
                && r.getDataBuffer().getNumBanks() == 1;
    }

    /** The common case: JPEG (BGR or grey) and 8-bit PNG, read straight from the backing array. */
    private static void interleavedBytes(Raster r, int colorComponents, byte[] out, int w, int h) {
        PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) r.getSampleModel();
        byte[] data = ((DataBufferByte) r.getDataBuffer()).getData();
        int stride = sm.getScanlineStride();
        int pixelStride = sm.getPixelStride();
        int[] off = sm.getBandOffsets();
        int base = r.getDataBuffer().getOffset();
        boolean grey = colorComponents < 3;
        int ro = off[0];
        int go = grey ? off[0] : off[1];
        int bo = grey ? off[0] : off[2];
        if (base == 0 && stride == w * pixelStride) {
            // whole-image loops with constant strides: the JIT unrolls and vectorises these
            if (pixelStride == 3 && ro == 2 && go == 1 && bo == 0) {
                bgrToRgb(data, out, w * h);
                return;
            }
            if (pixelStride == 3 && ro == 0 && go == 1 && bo == 2) {
                System.arraycopy(data, 0, out, 0, w * h * 3);
                return;
            }
            if (pixelStride == 1) {
                greyToRgb(data, out, w * h);
                return;
            }
        }
        int o = 0;
        for (int y = 0; y < h; y++) {
            int p = base + y * stride;
            for (int x = 0; x < w; x++, p += pixelStride) {
                out[o++] = data[p + ro];
                out[o++] = data[p + go];
                out[o++] = data[p + bo];
            }
        }
    }

    private static void bgrToRgb(byte[] bgr, byte[] rgb, int pixels) {
        for (int i = 0; i < pixels * 3; i += 3) {
            rgb[i] = bgr[i + 2];
            rgb[i + 1] = bgr[i + 1];
            rgb[i + 2] = bgr[i];
        }
    }

    private static void greyToRgb(byte[] grey, byte[] rgb, int pixels) {
        for (int i = 0, o = 0; i < pixels; i++, o += 3) {
            byte v = grey[i];
            rgb[o] = v;
            rgb[o + 1] = v;
            rgb[o + 2] = v;
        }
    }

    /** Other component layouts, 16-bit included: 16-bit samples keep their high byte, as libpng's strip does. */
    private static void components(Raster r, ColorModel cm, byte[] out, int w, int h) {
        int bands = r.getNumBands();
        boolean grey = cm.getNumColorComponents() < 3;
        int shift = r.getSampleModel().getDataType() == DataBuffer.TYPE_USHORT ? 8
                : r.getSampleModel().getDataType() == DataBuffer.TYPE_BYTE ? 0 : -1;
        if (shift < 0) {
            throw new IllegalArgumentException("unsupported sample type " + r.getSampleModel().getDataType());
        }
        int[] row = new int[w * bands];
        int o = 0;
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                int red = row[p] >>> shift;
                out[o++] = (byte) red;
                out[o++] = (byte) (grey ? red : row[p + 1] >>> shift);
                out[o++] = (byte) (grey ? red : row[p + 2] >>> shift);
            }
        }
    }

    /** Palette images, including 1, 2 and 4-bit ones: expand through the palette, ignore its alpha. */
    private static void palette(Raster r, IndexColorModel icm, byte[] out, int w, int h) {
        int size = icm.getMapSize();
        byte[] reds = new byte[size];
        byte[] greens = new byte[size];
        byte[] blues = new byte[size];
        icm.getReds(reds);
        icm.getGreens(greens);
        icm.getBlues(blues);
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = Math.min(row[x], size - 1);
                out[o++] = reds[i];
                out[o++] = greens[i];
                out[o++] = blues[i];
            }
        }
    }

    /** Packed-int and anything else: the JDK's own conversion. */
    private static void packed(BufferedImage img, byte[] out, int w, int h) {
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                out[o++] = (byte) (argb >>> 16);
                out[o++] = (byte) (argb >>> 8);
                out[o++] = (byte) argb;
            }
        }
    }
}
