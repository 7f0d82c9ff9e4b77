package dev.vggstream.metrics;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.RgbImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Small JPEG thumbnails of recent images for the live page, as {@code data:} URLs. Made on one background thread
 * from the decoded pixels (the service's decoder, with its limits); at most one image waits, others are skipped, so
 * a busy stream costs a bounded amount of memory and never waits for a thumbnail.
 */
final class Thumbnails implements AutoCloseable {

    /** Longest side of a thumbnail, in pixels. */
    static final int SIDE = 96;
    /** Samples per axis averaged into one thumbnail pixel: smooths without visiting every source pixel. */
    private static final int SAMPLES = 4;

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1), r -> {
                Thread t = new Thread(r, "vggstream-thumbnails");
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    /** Makes a thumbnail of {@code image} and hands it to {@code done}, unless the thumbnailer is busy. */
    void offer(byte[] image, Consumer<String> done) {
        pool.execute(() -> {
            String url = dataUrl(image);
            if (url != null) {
                done.accept(url);
            }
        });
    }

    /** The thumbnail as a {@code data:image/jpeg;base64,...} URL; null if the image cannot be decoded. */
    String dataUrl(byte[] image) {
        try {
            BufferedImage small = shrink(decoder.decode(image));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(small, "jpg", out);
            return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (ImageException | IOException | RuntimeException e) {
            return null; // a missing thumbnail is not worth more than that
        }
    }

    /** Box-filtered reduction to at most {@link #SIDE} pixels a side, read straight from the RGB bytes. */
    static BufferedImage shrink(RgbImage src) {
        double scale = Math.min(1.0, (double) SIDE / Math.max(src.width(), src.height()));
        int w = Math.max(1, (int) Math.round(src.width() * scale));
        int h = Math.max(1, (int) Math.round(src.height() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, average(src, x, y, (double) src.width() / w, (double) src.height() / h));
            }
        }
        return out;
    }

    private static int average(RgbImage src, int x, int y, double sx, double sy) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (int j = 0; j < SAMPLES; j++) {
            int py = Math.min(src.height() - 1, (int) ((y + (j + 0.5) / SAMPLES) * sy));
            for (int i = 0; i < SAMPLES; i++) {
                int px = Math.min(src.width() - 1, (int) ((x + (i + 0.5) / SAMPLES) * sx));
                r += src.get(px, py, 0);
                g += src.get(px, py, 1);
                b += src.get(px, py, 2);
            }
        }
        int n = SAMPLES * SAMPLES;
        return (r / n) << 16 | (g / n) << 8 | b / n;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
