package dev.vggstream.model;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes numpy {@code .npz} archives (a zip of {@code .npy} files), the format torchvision weights are
 * exchanged in here. Floating-point arrays of 2, 4 or 8 bytes in either byte order are read, as float32.
 */
public final class Npz {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** Larger headers are not numpy's; refusing them bounds what a hostile file can make us allocate. */
    private static final int MAX_HEADER = 1 << 16;

    private Npz() {
    }

    /** Every array of the archive, by name (the entry name without {@code .npy}), in archive order. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName().endsWith(".npy")
                        ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
                    arrays.put(name, readNpy(name, in));
                } catch (IOException | RuntimeException ex) {
                    throw new IOException(file + ": array '" + name + "': " + ex.getMessage(), ex);
                }
            }
        } catch (ZipException e) {
            throw new IOException(file + " is not an .npz archive (" + e.getMessage() + ")", e);
        }
        return arrays;
    }

    /** Reads one {@code .npy} stream. */
    public static NpyArray readNpy(String name, InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = new byte[6];
        in.readFully(magic);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new IOException("not a .npy array (bad magic)");
            }
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLength = major == 1
                ? Short.toUnsignedInt(Short.reverseBytes(in.readShort()))
                : Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        if (headerLength > MAX_HEADER) {
            throw new IOException("header of " + headerLength + " bytes is too long");
        }
        byte[] header = new byte[(int) headerLength];
        in.readFully(header);
        String text = new String(header, major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, text, "descr");
        if ("True".equals(group(FORTRAN, text, "fortran_order"))) {
            throw new IOException("Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        }
        long[] shape = parseShape(group(SHAPE, text, "shape"));
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException("array of " + count + " elements is too large");
        }
        return new NpyArray(name, descr, shape, readFloats(in, descr, (int) count));
    }

    /**
     * Reads {@code count} elements as float32. Floating point arrays of 2, 4 or 8 bytes are the weights; integer
     * arrays (torch's {@code num_batches_tracked}, uint8 pixels in test fixtures) are widened too.
     */
    private static float[] readFloats(InputStream in, String descr, int count) throws IOException {
        char kind = descr.length() >= 3 ? descr.charAt(1) : '?';
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int size;
        try {
            size = Integer.parseInt(descr.substring(2));
        } catch (RuntimeException e) {
            throw new IOException("dtype '" + descr + "' is not supported", e);
        }
        boolean ok = (kind == 'f' && (size == 2 || size == 4 || size == 8))
                || ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8));
        if (!ok) {
            throw new IOException("dtype '" + descr + "' is not supported (expected a float or integer type)");
        }
        float[] out = new float[count];
        byte[] chunk = new byte[size * 8192];
        int done = 0;
        while (done < count) {
            int n = Math.min(8192, count - done);
            readFully(in, chunk, n * size, count, done);
            ByteBuffer b = ByteBuffer.wrap(chunk, 0, n * size).order(order);
            for (int i = 0; i < n; i++) {
                out[done + i] = element(b, kind, size);
            }
            done += n;
        }
        return out;
    }

    private static float element(ByteBuffer b, char kind, int size) {
        if (kind == 'f') {
            return size == 4 ? b.getFloat() : size == 8 ? (float) b.getDouble() : halfToFloat(b.getShort());
        }
        boolean unsigned = kind == 'u';
        switch (size) {
            case 1:
                return unsigned ? b.get() & 0xff : b.get();
            case 2:
                return unsigned ? b.getShort() & 0xffff : b.getShort();
            case 4:
                return unsigned ? b.getInt() & 0xffffffffL : b.getInt();
            default:
                long v = b.getLong();
                return unsigned && v < 0 ? (float) (v >>> 1) * 2f : (float) v;
        }
    }

    private static void readFully(InputStream in, byte[] buf, int len, int count, int done) throws IOException {
        int off = 0;
        while (off < len) {
            int r = in.read(buf, off, len - off);
            if (r < 0) {
                throw new EOFException("data ends after " + done + " of " + count + " elements (truncated file)");
            }
            off += r;
        }
    }

    private static String group(Pattern p, String header, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException("header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String text) throws IOException {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                try {
                    long d = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                    if (d < 0) {
                        throw new IOException("negative dimension in shape (" + text + ")");
                    }
                    dims.add(d);
                } catch (NumberFormatException e) {
                    throw new IOException("bad shape (" + text + ")", e);
                }
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** IEEE 754 binary16 to float; {@code Float.float16ToFloat} only arrives in Java 20. */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Writes float32 arrays as an uncompressed {@code .npz} readable by {@code numpy.load}. */
    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
             ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
            for (NpyArray a : arrays.values()) {
                zip.putNextEntry(new ZipEntry(a.name() + ".npy"));
                writeNpy(zip, a);
                zip.closeEntry();
            }
        }
    }

    private static void writeNpy(OutputStream out, NpyArray a) throws IOException {
        StringBuilder shape = new StringBuilder();
        for (long d : a.shape()) {
            shape.append(d).append(", ");
        }
        if (a.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (a.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
        int total = MAGIC.length + 4 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer buf = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);
        float[] d = a.data();
        for (int i = 0; i < d.length; i += 8192) {
            buf.clear();
            int n = Math.min(8192, d.length - i);
            for (int j = 0; j < n; j++) {
                buf.putFloat(d[i + j]);
            }
            out.write(buf.array(), 0, n * 4);
        }
    }
}
