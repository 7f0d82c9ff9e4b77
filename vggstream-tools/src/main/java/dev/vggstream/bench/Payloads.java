package dev.vggstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vggstream.event.EventHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/** Benchmark input: camera-like JPEGs of realistic size, as raw or JSON events. */
public final class Payloads {

    public enum Encoding { RAW, JSON }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /**
     * {@code count} different JPEGs of {@code w}x{@code h} at quality 0.9: shapes, gradients and sensor-like noise, so
     * their size is realistic (about 20-30 KB at 224x224, 70-120 KB at 640x480) and each decodes differently.
     */
    public static List<byte[]> jpegs(int count, int w, int h, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(encode(scene(w, h, r), 0.9f));
        }
        return out;
    }

    static BufferedImage scene(int w, int h, Random r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)), w, h,
                new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256))));
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < 12; k++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 160));
            int x = r.nextInt(w);
            int y = r.nextInt(h);
            int s = 10 + r.nextInt(Math.max(11, w / 3));
            if (k % 2 == 0) {
                g.fillOval(x - s / 2, y - s / 2, s, s);
            } else {
                g.fillRect(x - s / 2, y - s / 2, s, s / 2);
            }
        }
        g.dispose();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int n = r.nextInt(17) - 8;
                int red = clamp(((rgb >> 16) & 0xff) + n);
                int green = clamp(((rgb >> 8) & 0xff) + n);
                int blue = clamp((rgb & 0xff) + n);
                img.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    static byte[] encode(BufferedImage img, float quality) {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(s);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** One event; raw records carry id and source in headers, JSON ones in the body. */
    public static ProducerRecord<byte[], byte[]> event(String topic, Encoding encoding, String id, String source,
                                                       byte[] image) {
        byte[] key = source.getBytes(StandardCharsets.UTF_8);
        if (encoding == Encoding.RAW) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, image);
            r.headers().add(EventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
            r.headers().add(EventHeaders.SOURCE, key);
            return r;
        }
        var o = JSON.createObjectNode().put("id", id).put("source", source).put("contentType", "image/jpeg")
                .put("data", Base64.getEncoder().encodeToString(image));
        try {
            return new ProducerRecord<>(topic, key, JSON.writeValueAsBytes(o));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double meanSize(List<byte[]> images) {
        return images.stream().mapToInt(b -> b.length).average().orElse(0);
    }
}
