package dev.vggstream.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a type byte, the number of
 * dimensions, then each dimension as an int) followed by the data. Only unsigned bytes (type 0x08) are read,
 * which is what those data sets store. Files may be gzip-compressed (detected by their magic bytes).
 */
public final class Idx {

    private static final int UNSIGNED_BYTE = 0x08;

    /** Images: {@code count} images of {@code rows x cols} 8-bit grey, row-major, one after another. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public byte[] image(int i) {
            byte[] out = new byte[rows * cols];
            System.arraycopy(pixels, i * rows * cols, out, 0, out.length);
            return out;
        }
    }

    private Idx() {
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 3);
            long size = (long) dims[0] * dims[1] * dims[2];
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": " + dims[0] + " images of " + dims[1] + "x" + dims[2]
                        + " are too many to hold");
            }
            byte[] pixels = new byte[(int) size];
            readFully(in, pixels, file);
            return new Images(dims[0], dims[1], dims[2], pixels);
        }
    }

    /** Labels, one byte each. */
    public static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 1);
            byte[] labels = new byte[dims[0]];
            readFully(in, labels, file);
            return labels;
        }
    }

    /** Writes {@code count} images (gzip-compressed when the name ends in {@code .gz}). */
    public static void writeImages(Path file, int count, int rows, int cols, byte[] pixels) throws IOException {
        write(file, new int[] {count, rows, cols}, pixels, (long) count * rows * cols);
    }

    public static void writeLabels(Path file, byte[] labels) throws IOException {
        write(file, new int[] {labels.length}, labels, labels.length);
    }

    private static void write(Path file, int[] dims, byte[] data, long length) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        try (OutputStream os = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
             java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(os))) {
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(UNSIGNED_BYTE);
            out.writeByte(dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data, 0, (int) length);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                : raw;
        return new DataInputStream(in);
    }

    private static int[] header(DataInputStream in, Path file, int wantedDims) throws IOException {
        int z0 = in.readUnsignedByte();
        int z1 = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int ndim = in.readUnsignedByte();
        if (z0 != 0 || z1 != 0) {
            throw new IOException(file + " is not an IDX file (bad magic number)");
        }
        if (type != UNSIGNED_BYTE) {
            throw new IOException(file + ": IDX element type 0x" + Integer.toHexString(type)
                    + " is not supported (only unsigned bytes, 0x08)");
        }
        if (ndim != wantedDims) {
            throw new IOException(file + " has " + ndim + " dimensions, expected " + wantedDims
                    + (wantedDims == 3 ? " (images)" : " (labels)"));
        }
        int[] dims = new int[ndim];
        for (int i = 0; i < ndim; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new IOException(file + " declares a negative dimension");
            }
        }
        return dims;
    }

    private static void readFully(DataInputStream in, byte[] out, Path file) throws IOException {
        try {
            in.readFully(out);
        } catch (java.io.EOFException e) {
            throw new IOException(file + " is truncated: expected " + out.length + " data bytes", e);
        }
    }
}
