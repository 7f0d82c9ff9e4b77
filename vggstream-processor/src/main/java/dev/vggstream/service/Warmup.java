package dev.vggstream.service;

import dev.vggstream.event.EventException;
import dev.vggstream.event.EventHeaders;
import dev.vggstream.event.EventParser;
import dev.vggstream.event.ImageEvent;
import dev.vggstream.event.InputRecord;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.inference.BatchClassifier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What runs before an instance serves. The model, once at each batch size it will meet first: the first call at a
 * new shape builds kernels (oneDNN primitives, cuDNN autotuning), which would otherwise land on a real batch as a
 * latency spike. The image path, on synthetic events: a JVM a second old interprets it, and an instance started
 * because lag grew would spend its first thousands of images at a fraction of its speed.
 */
public final class Warmup {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    /** Camera-like 224 px JPEGs, the common case; distinct ones so no branch profile is one image's. */
    static final int SIDE = 224;
    static final int DISTINCT_IMAGES = 4;

    private Warmup() {
    }

    /** @return milliseconds spent */
    public static long run(BatchClassifier classifier, int[] batchSizes) {
        long t0 = System.nanoTime();
        int max = Arrays.stream(batchSizes).max().orElse(1);
        float[] zeros = new float[max * classifier.info().imageFloats()];
        for (int n : batchSizes) {
            classifier.classify(zeros, n);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.info("warmed up {} v{} at batch sizes {} in {} ms", classifier.info().name(),
                classifier.info().version(), describe(batchSizes), ms);
        return ms;
    }

    static String describe(int[] sizes) {
        boolean consecutive = sizes.length > 0 && sizes[sizes.length - 1] - sizes[0] == sizes.length - 1;
        return consecutive && sizes.length > 2 ? sizes[0] + ".." + sizes[sizes.length - 1] : Arrays.toString(sizes);
    }

    /**
     * Parses, decodes and prepares {@code count} synthetic events, raw and JSON in turn, as a stream thread would.
     *
     * @return images that went through; fewer than {@code count} only if a synthetic image was refused (logged:
     * the warm-up never stops a start)
     */
    public static int imagePath(EventParser parser, ImagePipeline pipeline, int count) {
        if (count <= 0) {
            return 0;
        }
        long t0 = System.nanoTime();
        List<InputRecord> events = syntheticEvents();
        float[] pixels = new float[pipeline.floats()];
        int done = 0;
        try {
            for (; done < count; done++) {
                ImageEvent e = parser.parse(events.get(done % events.size()));
                pipeline.prepare(e.image(), pixels, 0);
            }
        } catch (EventException | ImageException e) {
            log.warn("image path warm-up stopped after {} images: {}", done, e.getMessage());
        }
        log.info("warmed up the image path on {} synthetic {} px JPEG events in {} ms", done, SIDE,
                (System.nanoTime() - t0) / 1_000_000);
        return done;
    }

    /** {@link #DISTINCT_IMAGES} JPEGs, each as a raw and as a JSON event. */
    static List<InputRecord> syntheticEvents() {
        return syntheticEvents(SIDE);
    }

    /** The same, {@code side} px square. */
    static List<InputRecord> syntheticEvents(int side) {
        List<InputRecord> out = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < DISTINCT_IMAGES; i++) {
            byte[] jpeg = jpeg(random, side);
            RecordHeaders headers = new RecordHeaders();
            headers.add(EventHeaders.ID, ("warmup-raw-" + i).getBytes(StandardCharsets.UTF_8));
            out.add(new InputRecord("warmup", 0, 2L * i, 0, null, jpeg, headers));
            String json = "{\"id\":\"warmup-json-" + i + "\",\"contentType\":\"image/jpeg\",\"data\":\""
                    + Base64.getEncoder().encodeToString(jpeg) + "\"}";
            out.add(new InputRecord("warmup", 0, 2L * i + 1, 0, null, json.getBytes(StandardCharsets.UTF_8), null));
        }
        return out;
    }

    /** A smooth gradient with noise: decodes like a photograph's worth of coefficients, not a flat block. */
    private static byte[] jpeg(SplittableRandom random, int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        int base = random.nextInt(0x1000000);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int n = random.nextInt(32);
                int r = (((base >> 16) & 0xff) + x + n) & 0xff;
                int g = (((base >> 8) & 0xff) + y + n) & 0xff;
                int b = ((base & 0xff) + x + y + n) & 0xff;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
