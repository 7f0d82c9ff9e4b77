package dev.vggstream.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpzTest {

    @TempDir
    Path dir;

    @Test
    void writtenArraysReadBackUnchanged() throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("features.0.weight", new NpyArray("features.0.weight", "<f4", new long[] {2, 3},
                new float[] {1, -2, 3.5f, Float.MIN_VALUE, 1e30f, 0}));
        arrays.put("scalar", new NpyArray("scalar", "<f4", new long[] {}, new float[] {7}));
        Path f = dir.resolve("w.npz");
        Npz.write(f, arrays);
        assertThat(Npz.read(f)).isEqualTo(arrays);
    }

    @Test
    void halfAndDoubleAndBigEndianArraysAreWidenedToFloat() throws IOException {
        ByteBuffer half = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        half.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x0001).putShort((short) 0x7C00);
        ByteBuffer dbl = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3);
        ByteBuffer big = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putFloat(2.5f);
        assertThat(Npz.readNpy("h", npy("<f2", "(4,)", half.array())).data())
                .containsExactly(1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY);
        assertThat(Npz.readNpy("d", npy("<f8", "(2,)", dbl.array())).data()).containsExactly(0.1f, -3f);
        assertThat(Npz.readNpy("b", npy(">f4", "(1,)", big.array())).data()).containsExactly(2.5f);
    }

    @Test
    void truncatedArrayDataIsAnErrorThatSaysSo() {
        byte[] data = new byte[10]; // 2.5 floats where the header promises 4
        assertThatThrownBy(() -> Npz.readNpy("x", npy("<f4", "(4,)", data)))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
    }

    @Test
    void integerArraysAreWidenedAndOtherTypesRefusedNamingTheirType() throws IOException {
        ByteBuffer i8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(12345).putLong(-2);
        assertThat(Npz.readNpy("n", npy("<i8", "(2,)", i8.array())).data()).containsExactly(12345f, -2f);
        assertThat(Npz.readNpy("u", npy("|u1", "(2,)", new byte[] {(byte) 255, 7})).data()).containsExactly(255f, 7f);
        assertThatThrownBy(() -> Npz.readNpy("c", npy("<c8", "(1,)", new byte[8])))
                .hasMessageContaining("<c8").hasMessageContaining("not supported");
    }

    @Test
    void aFileThatIsNotAZipIsRefusedNamingTheFile() throws IOException {
        Path f = Files.writeString(dir.resolve("broken.npz"), "this is not a zip");
        assertThatThrownBy(() -> Npz.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("broken.npz").hasMessageContaining("not an .npz");
    }

    @Test
    void anEntryThatIsNotNpyIsRefusedNamingTheArray() throws IOException {
        Path f = dir.resolve("bad.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("classifier.0.weight.npy"));
            z.write("garbage!".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        }
        assertThatThrownBy(() -> Npz.read(f)).hasMessageContaining("classifier.0.weight").hasMessageContaining("magic");
    }

    static ByteArrayInputStream npy(String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return new ByteArrayInputStream(b.array());
    }
}
