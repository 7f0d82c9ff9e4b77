package dev.vggstream.corpus;

import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageFormat;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.model.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutates valid JPEGs and PNGs at random (bit flips, byte overwrites, truncations, duplicated and dropped segments
 * and chunks, corrupted lengths and dimensions, inserted and repeated ranges; PNG CRCs mostly repaired so the
 * mutations reach the decoder) and runs each through the whole image pipeline with the service's limits. Nothing
 * but {@link ImageException} may come out (no RuntimeException, no Error such as OutOfMemoryError or
 * StackOverflowError), and no image may take longer than the decode timeout plus a second.
 *
 * <p>Runs {@code -Dvggstream.fuzz.seconds} seconds (default 20) from {@code -Dvggstream.fuzz.seed} (default: the
 * clock, printed). Every case is a function of the seed and its index alone; a failure prints both and saves the
 * input under {@code target/fuzz-failures/}. {@code -Dvggstream.fuzz.case=N} runs case N of the seed only.
 */
class DecodeFuzzTest {

    static final long SECONDS = Long.getLong("vggstream.fuzz.seconds", 20);
    static final long SEED = Long.getLong("vggstream.fuzz.seed", System.currentTimeMillis());
    static final long ONLY_CASE = Long.getLong("vggstream.fuzz.case", -1);
    static final long TIMEOUT_MS = 1_000;
    /** What one image may take: the decode timeout, plus a second for what follows decoding on a loaded machine. */
    static final long BOUND_MS = TIMEOUT_MS + 1_000;

    @Test
    void mutatedImagesOnlyEverFailAsImageExceptionsAndNoneTakesLongerThanTheBound() throws Exception {
        List<byte[]> seeds = seeds();
        ImageLimits limits = CorpusFiles.serviceLimits().withDecodeTimeoutMs(TIMEOUT_MS);
        ImagePipeline pipeline = new ImagePipeline(limits, 32, 32, Preprocessing.TORCH);
        for (byte[] s : seeds) {
            pipeline.prepare(s); // every seed is valid; this also loads the readers before the clock matters
        }
        System.out.printf("fuzzing the image pipeline for %d s from seed %d (%d seed images)%n", SECONDS, SEED,
                seeds.size());
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> readerExceptions = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        long cases = 0;
        long slowest = 0;
        long slowerThan100 = 0;
        List<String> slowCases = new ArrayList<>();
        for (long i = ONLY_CASE >= 0 ? ONLY_CASE : 0; ONLY_CASE >= 0 ? i == ONLY_CASE : System.nanoTime() < deadline;
             i++) {
            byte[] input = mutate(new Random(SEED * 0x9E3779B97F4A7C15L + i), seeds);
            cases++;
            long start = System.nanoTime();
            String outcome;
            Throwable escaped = null;
            try {
                pipeline.prepare(input);
                outcome = "classifiable";
            } catch (ImageException e) {
                outcome = e.reason().name();
                if (e.getCause() instanceof RuntimeException r) {
                    readerExceptions.merge(r.getClass().getSimpleName(), 1, Integer::sum);
                }
            } catch (Throwable t) { // the point of the test: anything else is a bug
                outcome = "ESCAPED " + t.getClass().getSimpleName();
                escaped = t;
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            slowest = Math.max(slowest, ms);
            slowerThan100 += ms > 100 ? 1 : 0;
            if (ms > 250 && slowCases.size() < 20) {
                slowCases.add("case " + i + " " + outcome + " " + ms + " ms");
            }
            outcomes.merge(outcome, 1, Integer::sum);
            if (escaped != null || ms > BOUND_MS) {
                Path saved = save(i, input);
                failures.add("seed " + SEED + " case " + i + ": " + (escaped != null ? escaped : "took " + ms + " ms")
                        + "; input saved as " + saved + "; rerun with -Dvggstream.fuzz.seed=" + SEED
                        + " -Dvggstream.fuzz.case=" + i);
                if (escaped != null) {
                    escaped.printStackTrace();
                }
                if (failures.size() >= 10) {
                    break;
                }
            }
        }
        System.out.printf("%d cases, slowest %d ms, %d over 100 ms %s; outcomes %s; reader exceptions turned into "
                + "CORRUPT: %s%n", cases, slowest, slowerThan100, slowCases, outcomes, readerExceptions);
        if (ONLY_CASE >= 0) {
            System.out.println("case " + ONLY_CASE + " saved as " + save(ONLY_CASE, mutate(
                    new Random(SEED * 0x9E3779B97F4A7C15L + ONLY_CASE), seeds)));
        }
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(cases).isPositive();
    }

    /** Every valid corpus image, and the reference fixtures: JPEG and PNG of every kind the decoder handles. */
    static List<byte[]> seeds() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (Path dir : List.of(CorpusFiles.dir("valid"), Fixtures.dir("images"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    byte[] b = Files.readAllBytes(f);
                    ImageFormat format = ImageFormat.detect(b);
                    if (format.decodable() && b.length < 20_000) {
                        out.add(b);
                    }
                }
            }
        }
        return out;
    }

    static Path save(long i, byte[] input) throws IOException {
        Path dir = Path.of("target", "fuzz-failures");
        Files.createDirectories(dir);
        String ext = ImageFormat.detect(input) == ImageFormat.PNG ? "png" : "jpg";
        return Files.write(dir.resolve("seed-" + SEED + "-case-" + i + "." + ext), input);
    }

    // ---- mutations -----------------------------------------------------------------------------------------------

    static byte[] mutate(Random r, List<byte[]> seeds) {
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        boolean png = ImageFormat.detect(b) == ImageFormat.PNG;
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n && b.length > 0; k++) {
            b = switch (r.nextInt(11)) {
                case 0 -> flipBits(r, b);
                case 1 -> overwrite(r, b);
                case 2 -> interesting(r, b);
                case 3 -> Arrays.copyOf(b, 1 + r.nextInt(b.length));
                case 4 -> duplicateSegment(r, b, png);
                case 5 -> dropSegment(r, b, png);
                case 6 -> corruptLength(r, b, png);
                case 7 -> corruptHeaderField(r, b, png);
                case 8 -> insert(r, b);
                case 9 -> repeatRange(r, b);
                default -> splice(r, b, seeds.get(r.nextInt(seeds.size())));
            };
        }
        if (png && r.nextInt(4) != 0) {
            fixCrcs(b); // past the CRC gate, into the decoder
        }
        return b;
    }

    static byte[] flipBits(Random r, byte[] b) {
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
            int p = r.nextInt(b.length);
            b[p] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
    }

    static byte[] overwrite(Random r, byte[] b) {
        for (int i = 1 + r.nextInt(16); i > 0; i--) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }

    static final int[] INTERESTING = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};

    static byte[] interesting(Random r, byte[] b) {
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            b[r.nextInt(b.length)] = (byte) INTERESTING[r.nextInt(INTERESTING.length)];
        }
        return b;
    }

    static byte[] insert(Random r, byte[] b) {
        byte[] extra = new byte[1 + r.nextInt(64)];
        r.nextBytes(extra);
        if (r.nextBoolean()) {
            extra[0] = (byte) 0xFF; // a would-be marker
        }
        return splice(b, r.nextInt(b.length + 1), 0, extra);
    }

    static byte[] repeatRange(Random r, byte[] b) {
        int from = r.nextInt(b.length);
        int len = 1 + r.nextInt(Math.min(64, b.length - from));
        byte[] range = Arrays.copyOfRange(b, from, from + len);
        byte[] rep = new byte[len * (2 + r.nextInt(30))];
        for (int i = 0; i < rep.length; i += len) {
            System.arraycopy(range, 0, rep, i, len);
        }
        return splice(b, from, 0, rep);
    }

    static byte[] splice(Random r, byte[] b, byte[] other) {
        int at = r.nextInt(b.length);
        int from = r.nextInt(other.length);
        byte[] piece = Arrays.copyOfRange(other, from, from + 1 + r.nextInt(Math.min(256, other.length - from)));
        return splice(b, at, Math.min(piece.length, b.length - at), piece);
    }

    /** {@code b} with {@code remove} bytes at {@code at} replaced by {@code add}. */
    static byte[] splice(byte[] b, int at, int remove, byte[] add) {
        byte[] out = new byte[b.length - remove + add.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(add, 0, out, at, add.length);
        System.arraycopy(b, at + remove, out, at + add.length, b.length - at - remove);
        return out;
    }

    /** [start, end) of each JPEG marker segment up to the first scan (then the scan to the end), or PNG chunk. */
    static List<int[]> segments(byte[] b, boolean png) {
        List<int[]> out = new ArrayList<>();
        int pos = png ? 8 : 2;
        while (pos + (png ? 12 : 4) <= b.length) {
            if (png) {
                long len = u32(b, pos);
                if (len > b.length - pos - 12L) {
                    break;
                }
                out.add(new int[] {pos, pos + 12 + (int) len});
                pos += 12 + (int) len;
            } else {
                if ((b[pos] & 0xff) != 0xFF) {
                    break;
                }
                int marker = b[pos + 1] & 0xff;
                int end = marker == 0xDA ? b.length : pos + 2 + u16(b, pos + 2);
                if (end > b.length) {
                    break;
                }
                out.add(new int[] {pos, end});
                pos = end;
            }
        }
        return out;
    }

    static byte[] duplicateSegment(Random r, byte[] b, boolean png) {
        List<int[]> segs = segments(b, png);
        if (segs.isEmpty()) {
            return b;
        }
        int[] s = segs.get(r.nextInt(segs.size()));
        int[] where = segs.get(r.nextInt(segs.size()));
        byte[] copy = Arrays.copyOfRange(b, s[0], s[1]);
        int times = r.nextInt(8) == 0 ? 2 + r.nextInt(50) : 1;
        byte[] out = b;
        for (int i = 0; i < times; i++) {
            out = splice(out, r.nextBoolean() ? where[0] : s[1], 0, copy);
        }
        return out;
    }

    static byte[] dropSegment(Random r, byte[] b, boolean png) {
        List<int[]> segs = segments(b, png);
        if (segs.isEmpty()) {
            return b;
        }
        int[] s = segs.get(r.nextInt(segs.size()));
        return splice(b, s[0], s[1] - s[0], new byte[0]);
    }

    static byte[] corruptLength(Random r, byte[] b, boolean png) {
        List<int[]> segs = segments(b, png);
        if (segs.isEmpty()) {
            return b;
        }
        int[] s = segs.get(r.nextInt(segs.size()));
        if (png) {
            long len = s[1] - s[0] - 12L;
            long[] choices = {0, 1, len - 1, len + 1, len * 2, 0x7FFFFFFFL, 0xFFFFFFFFL, r.nextInt() & 0xFFFFFFFFL};
            putU32(b, s[0], choices[r.nextInt(choices.length)]);
        } else if (s[1] - s[0] >= 4) {
            int len = u16(b, s[0] + 2);
            int[] choices = {0, 1, 2, len - 1, len + 1, len * 2, 0xFFFF, r.nextInt(0x10000)};
            putU16(b, s[0] + 2, choices[r.nextInt(choices.length)] & 0xFFFF);
        }
        return b;
    }

    /** PNG: IHDR width, height, depth, colour type, interlace. JPEG: a frame header's or scan header's fields. */
    static byte[] corruptHeaderField(Random r, byte[] b, boolean png) {
        int[] sizes = {0, 1, 7, 8, 9, 255, 256, 4096, 6000, 6325, 65535, r.nextInt(70000)};
        if (png) {
            if (b.length < 33) {
                return b;
            }
            switch (r.nextInt(4)) {
                case 0 -> putU32(b, 16, sizes[r.nextInt(sizes.length)]);
                case 1 -> putU32(b, 20, sizes[r.nextInt(sizes.length)]);
                case 2 -> b[24] = (byte) new int[] {0, 1, 2, 3, 4, 5, 8, 16, 17, 255}[r.nextInt(10)];
                default -> b[25 + r.nextInt(4)] = (byte) r.nextInt(8);
            }
            return b;
        }
        for (int[] s : segments(b, false)) {
            int marker = b[s[0] + 1] & 0xff;
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if ((sof || marker == 0xDA || marker == 0xC4 || marker == 0xDB) && r.nextBoolean()
                    && s[1] - s[0] > 10) {
                if (sof && r.nextBoolean()) {
                    putU16(b, s[0] + 5 + 2 * r.nextInt(2), sizes[r.nextInt(sizes.length)] & 0xFFFF);
                } else {
                    b[s[0] + 4 + r.nextInt(Math.min(s[1] - s[0] - 4, 16))] = (byte) r.nextInt(256);
                }
                if (sof && r.nextInt(4) == 0) {
                    b[s[0] + 1] = (byte) (0xC0 + r.nextInt(16)); // another process: progressive, lossless, arithmetic
                }
                return b;
            }
        }
        return b;
    }

    static void fixCrcs(byte[] b) {
        CRC32 crc = new CRC32();
        for (int[] s : segments(b, true)) {
            crc.reset();
            crc.update(b, s[0] + 4, s[1] - s[0] - 8);
            putU32(b, s[1] - 4, crc.getValue());
        }
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    static void putU16(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 8);
        b[i + 1] = (byte) v;
    }

    static void putU32(byte[] b, int i, long v) {
        b[i] = (byte) (v >> 24);
        b[i + 1] = (byte) (v >> 16);
        b[i + 2] = (byte) (v >> 8);
        b[i + 3] = (byte) v;
    }
}
