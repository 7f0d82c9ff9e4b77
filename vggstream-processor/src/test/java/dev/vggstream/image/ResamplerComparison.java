package dev.vggstream.image;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The fast resampler against the one it replaced, in one JVM on one thread: microseconds of thread CPU time per
 * image (resize alone, and resize + crop + preprocessing to floats) and bytes allocated per image, at the sizes the
 * service sees. Not a test: run it with the command in README ("Exact resize: speed"). Thread CPU time rather than
 * wall time, and the best of many alternating short rounds, because this machine is shared and noisy; the first
 * call of each (in a fresh JVM, interpreted) is printed as the cold figure.
 */
public final class ResamplerComparison {

    private static Object sink;

    private ResamplerComparison() {
    }

    public static void main(String[] args) {
        double roundSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Object[][] cases = {
                {"224x224 -> 32", TestImages.scene(224, 224, 1), 32},
                {"640x480 -> 224", TestImages.scene(640, 480, 2), 224},
                {"1920x1080 -> 224", TestImages.scene(1920, 1080, 3), 224},
                {"1920x1080 -> 32", TestImages.scene(1920, 1080, 4), 32}};
        System.out.printf(Locale.ROOT, "%-18s %-22s %10s %10s %8s %12s %12s%n", "input", "stage", "before µs",
                "after µs", "ratio", "before B", "after B");
        for (Object[] c : cases) {
            RgbImage in = (RgbImage) c[1];
            int size = (int) c[2];
            ImagePreparer preparer = new ImagePreparer(size, size, Preprocessing.TORCH);
            TestImages.Window win = TestImages.Window.of(preparer, in);
            int outW = win.outW();
            int outH = win.outH();
            int x0 = win.x0();
            int y0 = win.y0();
            float[] floats = new float[preparer.floats()];
            Supplier<Object> oldResize = () -> ReferenceResampler.resizeWindow(in, outW, outH, x0, y0, size, size);
            Supplier<Object> newResize = () -> Resampler.resizeWindow(in, outW, outH, x0, y0, size, size);
            Supplier<Object> oldPrepare = () -> {
                preparer.toFloats(ReferenceResampler.resizeWindow(in, outW, outH, x0, y0, size, size), floats, 0);
                return floats;
            };
            Supplier<Object> newPrepare = () -> {
                preparer.prepare(in, floats, 0);
                return floats;
            };
            compare(c[0] + "", "resize + crop", oldResize, newResize, roundSeconds, rounds);
            compare(c[0] + "", "resize + crop + floats", oldPrepare, newPrepare, roundSeconds, rounds);
        }
    }

    private static void compare(String input, String stage, Supplier<Object> before, Supplier<Object> after,
            double roundSeconds, int rounds) {
        double coldBefore = once(before);
        double coldAfter = once(after);
        double b = Double.MAX_VALUE;
        double a = Double.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            b = Math.min(b, micros(before, roundSeconds));
            a = Math.min(a, micros(after, roundSeconds));
        }
        System.out.printf(Locale.ROOT, "%-18s %-22s %10.1f %10.1f %7.2fx %12d %12d   (first call %.0f / %.0f µs)%n",
                input, stage, b, a, b / a, allocated(before), allocated(after), coldBefore, coldAfter);
    }

    private static double once(Supplier<Object> s) {
        long t0 = cpu();
        sink = s.get();
        return (cpu() - t0) / 1e3;
    }

    /** Thread CPU µs per call over about {@code seconds}, after a fifth of that as warm-up. */
    private static double micros(Supplier<Object> s, double seconds) {
        long warm = cpu() + (long) (seconds * 0.2e9);
        while (cpu() < warm) {
            sink = s.get();
        }
        long t0 = cpu();
        long end = t0 + (long) (seconds * 1e9);
        int n = 0;
        while (cpu() < end || n < 3) {
            sink = s.get();
            n++;
        }
        return (cpu() - t0) / 1e3 / n;
    }

    private static long allocated(Supplier<Object> s) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long b0 = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10; i++) {
            sink = s.get();
        }
        return (mx.getThreadAllocatedBytes(id) - b0) / 10;
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
