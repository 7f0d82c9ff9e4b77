package dev.vggstream.demo;

import dev.vggstream.image.Preprocessing;
import dev.vggstream.inference.ModelMetadata;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggModel;
import dev.vggstream.model.VggSpec;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's model and images: the Fashion-MNIST VGG and test images shipped in the jar when present (listed in
 * {@code /demo/index.txt}), else a small randomly initialised VGG and drawn pictures. Two broken files are added
 * either way, to show dead letters.
 *
 * @param labels true label of each sample file name, when known
 */
public record DemoData(Path model, List<Path> samples, Map<String, String> labels, String modelDescription) {

    public static DemoData prepare(Path dir) throws IOException {
        DemoData d = DemoData.class.getResource("/" + DemoAssets.INDEX) != null ? shipped(dir) : generated(dir);
        List<Path> samples = new ArrayList<>(d.samples());
        samples.addAll(brokenSamples(dir.resolve("samples"), samples));
        return new DemoData(d.model(), samples, d.labels(), d.modelDescription());
    }

    /** Copies the files listed in the index from the classpath ({@link DemoAssets#extract}). */
    static DemoData shipped(Path dir) throws IOException {
        DemoAssets.extract(dir);
        Path samples = dir.resolve(DemoAssets.SAMPLES_DIR);
        Map<String, String> labels = Files.isRegularFile(samples.resolve(DemoAssets.SAMPLE_LABELS))
                ? DemoAssets.sampleLabels(samples) : Map.of();
        List<Path> images = new ArrayList<>();
        for (String p : DemoAssets.index()) {
            if (p.startsWith(DemoAssets.SAMPLES_DIR + "/") && !p.endsWith("/" + DemoAssets.SAMPLE_LABELS)) {
                images.add(dir.resolve(p));
            }
        }
        images.sort(null);
        String description = ModelMetadata.read(dir.resolve("model")).map(m -> m.name() + " trained on "
                + "Fashion-MNIST, " + m.imageSize() + " px").orElse("the shipped demo model");
        return new DemoData(dir.resolve("model"), images, labels, description);
    }

    /** No shipped assets: a small VGG with random weights, and simple drawn pictures. Answers are not meaningful. */
    static DemoData generated(Path dir) throws IOException {
        List<String> labels = List.of("circle", "square", "stripes", "cross");
        VggSpec spec = new VggSpec(VggArch.VGG11, true, labels.size(), 32, 1.0 / 16, Preprocessing.TORCH, labels);
        Path model = dir.resolve("model");
        try (VggModel m = VggModel.create(spec)) {
            m.initializeRandom(7);
            m.export(model, spec.metadata(m.net().parameterCount(), "he-init:seed=7", "vggstream demo"));
        }
        Path samples = Files.createDirectories(dir.resolve("samples"));
        List<Path> files = new ArrayList<>();
        Random r = new Random(42);
        for (int i = 0; i < 40; i++) {
            String kind = labels.get(i % labels.size());
            BufferedImage img = draw(kind, 48 + r.nextInt(80), 48 + r.nextInt(80), r);
            String format = i % 3 == 0 ? "png" : "jpg";
            Path f = samples.resolve(String.format("%s_%02d.%s", kind, i, format));
            ImageIO.write(img, format.equals("jpg") ? "jpeg" : "png", f.toFile());
            files.add(f);
        }
        return new DemoData(model, files, Map.of(), "vgg11_bn width 1/16 with random weights (no trained demo "
                + "model in this build)");
    }

    private static BufferedImage draw(String kind, int w, int h, Random r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(200 + r.nextInt(55), 200 + r.nextInt(55), 200 + r.nextInt(55)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(r.nextInt(150), r.nextInt(150), r.nextInt(150)));
        g.setStroke(new BasicStroke(3));
        int s = Math.min(w, h) * 2 / 3;
        switch (kind) {
            case "circle" -> g.fillOval((w - s) / 2, (h - s) / 2, s, s);
            case "square" -> g.fillRect((w - s) / 2, (h - s) / 2, s, s);
            case "stripes" -> {
                for (int x = 0; x < w; x += 8) {
                    g.fillRect(x, 0, 4, h);
                }
            }
            default -> {
                g.drawLine(0, 0, w, h);
                g.drawLine(w, 0, 0, h);
            }
        }
        g.dispose();
        return img;
    }

    /** A truncated JPEG and a text file named like an image: the processor must dead-letter them and go on. */
    private static List<Path> brokenSamples(Path dir, List<Path> good) {
        try {
            Files.createDirectories(dir);
            Path jpeg = good.stream().filter(p -> p.toString().endsWith(".jpg")).findFirst().orElse(good.get(0));
            byte[] bytes = Files.readAllBytes(jpeg);
            Path truncated = Files.write(dir.resolve("broken_truncated.jpg"),
                    Arrays.copyOf(bytes, Math.max(64, bytes.length / 3)));
            Path text = Files.writeString(dir.resolve("broken_not_an_image.png"), "this is not a picture\n");
            return List.of(truncated, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
