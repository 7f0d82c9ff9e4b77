package dev.vggstream.bench;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageLimits;
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
        return out;
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
