package dev.vggstream.bench;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.JpegCodec;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.image.RgbImage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each stage of getting an image ready costs on one thread of this machine, in microseconds per image: the
 * parts the processor's CPU per image is made of, before Kafka.
 */
final class StageCosts {

    private interface Stage {
        void run(int i) throws ImageException;
    }

    /** Images through the pipeline before it is timed: enough for the JIT compiler's last tier. */
    static final int PIPELINE_WARMUP_IMAGES = 5000;

    private StageCosts() {
    }

    /** Stage name to µs per image, each timed for about {@code seconds} after a warm-up. */
    static Map<String, Double> measure(List<byte[]> small, List<byte[]> frames, int nearFreeSize, double seconds)
            throws ImageException {
        ImageDecoder turbo = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO);
        ImageDecoder jdk = new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.JDK);
        ImagePreparer at224 = new ImagePreparer(224, 224, Preprocessing.TORCH);
        ImagePreparer nearFree = new ImagePreparer(nearFreeSize, nearFreeSize, Preprocessing.TORCH);
        List<RgbImage> decoded = new ArrayList<>();
        for (byte[] b : small) {
            decoded.add(turbo.decode(b));
        }
        RgbImage frame = turbo.decode(frames.get(0));
        RgbImage fullHd = turbo.decode(Payloads.jpegs(1, 1920, 1080, 6).get(0));
        float[] floats = new float[at224.floats()];
        Map<String, Double> out = new LinkedHashMap<>();
        int n = small.size();
        out.put("decode 224 JPEG, libjpeg-turbo", time(seconds, i -> turbo.decode(small.get(i % n))));
        out.put("decode 224 JPEG, JDK", time(seconds, i -> jdk.decode(small.get(i % n))));
        out.put("resize + crop 224 -> " + nearFreeSize + " px", time(seconds,
                i -> nearFree.resizeAndCrop(decoded.get(i % n))));
        out.put("preprocess 224 px to floats", time(seconds, i -> at224.toFloats(decoded.get(i % n), floats, 0)));
        out.put("decode 640x480 JPEG, libjpeg-turbo", time(seconds,
                i -> turbo.decode(frames.get(i % frames.size()))));
        out.put("resize + crop 640x480 -> 224 px", time(seconds, i -> at224.resizeAndCrop(frame)));
        out.put("resize + crop + floats 640x480 -> 224 px", time(seconds, i -> at224.prepare(frame, floats, 0)));
        out.put("resize + crop 1920x1080 -> 224 px", time(seconds, i -> at224.resizeAndCrop(fullHd)));
        return out;
    }

    /**
     * The whole image path of a processor serving a {@code size} px model, on one thread: decode (libjpeg-turbo),
     * resize and crop, preprocess to floats, into one reused buffer, in CPU µs per image. What "the stages alone"
     * means in the peer part.
     */
    static double pipeline(List<byte[]> small, int size, double seconds) throws ImageException {
        ImagePipeline p = new ImagePipeline(new ImageDecoder(ImageLimits.DEFAULT, JpegCodec.LIBJPEG_TURBO),
                new ImagePreparer(size, size, Preprocessing.TORCH));
        float[] floats = new float[p.floats()];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        // by count, not time: on a loaded machine a time-boxed warm-up ends before the JIT compiler has finished
        for (int i = 0; i < PIPELINE_WARMUP_IMAGES; i++) {
            p.prepare(small.get(i % small.size()), floats, 0);
        }
        // CPU time, not wall time: the processor's side is measured in CPU time too, on a machine others share
        long cpu0 = threads.getCurrentThreadCpuTime();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < end || calls < 3) {
            p.prepare(small.get(calls++ % small.size()), floats, 0);
        }
        return (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / calls;
    }

    private static double time(double seconds, Stage stage) throws ImageException {
        long warm = System.nanoTime() + (long) (seconds * 0.3e9);
        int i = 0;
        while (System.nanoTime() < warm) {
            stage.run(i++);
        }
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < end || calls < 3) {
            stage.run(calls++);
        }
        return (System.nanoTime() - t0) / 1e3 / calls;
    }
}
