import dev.vggstream.train.Idx;
import dev.vggstream.train.TrainingData;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Files made from Fashion-MNIST for the tests and the demo. Run with the project on the classpath:
 *
 * <pre>
 *   java -cp vggstream-tools/target/vggstream.jar tools/train/FashionFiles.java subset  SRC OUT TRAIN_PER_CLASS TEST_PER_CLASS
 *   java -cp vggstream-tools/target/vggstream.jar tools/train/FashionFiles.java samples SRC OUT PER_CLASS
 *   java -cp vggstream-tools/target/vggstream.jar tools/train/FashionFiles.java index   DEMO_DIR
 * </pre>
 *
 * subset: the first N images of each class of each split, as gzipped IDX files (same names as the originals).
 * samples: the first N TEST images of each class as 28x28 grey files, PNG and JPEG in turn, named
 * {@code <label>_<test index>.<ext>}, with labels.csv (file,label).
 * index: writes DEMO_DIR/index.txt listing every file below DEMO_DIR (but itself), sorted.
 */
public class FashionFiles {

    public static void main(String[] args) throws IOException {
        switch (args.length == 0 ? "" : args[0]) {
            case "subset" -> subset(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "samples" -> samples(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            case "index" -> index(Path.of(args[1]));
            default -> {
                System.err.println("usage: FashionFiles subset SRC OUT TRAIN_PER_CLASS TEST_PER_CLASS | "
                        + "samples SRC OUT PER_CLASS | index DEMO_DIR");
                System.exit(2);
            }
        }
    }

    static void subset(Path src, Path out, int trainPerClass, int testPerClass) throws IOException {
        Files.createDirectories(out);
        for (String split : List.of("train", "t10k")) {
            int per = split.equals("train") ? trainPerClass : testPerClass;
            Idx.Images images = Idx.readImages(src.resolve(split + "-images-idx3-ubyte.gz"));
            byte[] labels = Idx.readLabels(src.resolve(split + "-labels-idx1-ubyte.gz"));
            List<Integer> picked = pick(labels, per);
            int plane = images.rows() * images.cols();
            byte[] px = new byte[picked.size() * plane];
            byte[] lb = new byte[picked.size()];
            for (int k = 0; k < picked.size(); k++) {
                System.arraycopy(images.pixels(), picked.get(k) * plane, px, k * plane, plane);
                lb[k] = labels[picked.get(k)];
            }
            Idx.writeImages(out.resolve(split + "-images-idx3-ubyte.gz"), picked.size(), images.rows(),
                    images.cols(), px);
            Idx.writeLabels(out.resolve(split + "-labels-idx1-ubyte.gz"), lb);
            System.out.println(split + ": " + picked.size() + " images");
        }
    }

    static void samples(Path src, Path out, int perClass) throws IOException {
        Files.createDirectories(out);
        Idx.Images images = Idx.readImages(src.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels = Idx.readLabels(src.resolve("t10k-labels-idx1-ubyte.gz"));
        List<String> csv = new ArrayList<>();
        csv.add("file,label");
        List<Integer> picked = pick(labels, perClass);
        for (int k = 0; k < picked.size(); k++) {
            int i = picked.get(k);
            String label = TrainingData.FASHION_MNIST_LABELS.get(labels[i]);
            String ext = k % 2 == 0 ? "png" : "jpg";
            String name = String.format(Locale.ROOT, "%s_%04d.%s", slug(label), i, ext);
            BufferedImage img = new BufferedImage(images.cols(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, images.cols(), images.rows(), images.image(i));
            if (!ImageIO.write(img, ext.equals("png") ? "png" : "jpeg", out.resolve(name).toFile())) {
                throw new IOException("no writer for " + ext);
            }
            csv.add(name + "," + label);
        }
        Files.write(out.resolve("labels.csv"), csv, StandardCharsets.UTF_8);
        System.out.println(picked.size() + " samples in " + out);
    }

    static void index(Path demo) throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.walk(demo)) {
            files = s.filter(Files::isRegularFile).map(p -> demo.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("index.txt")).sorted().toList();
        }
        Files.write(demo.resolve("index.txt"), files, StandardCharsets.UTF_8);
        System.out.println(files.size() + " files in " + demo.resolve("index.txt"));
    }

    /** Indices of the first {@code per} images of each class, in data order. */
    static List<Integer> pick(byte[] labels, int per) {
        int[] taken = new int[256];
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i] & 0xff;
            if (taken[c] < per) {
                taken[c]++;
                out.add(i);
            }
        }
        return out;
    }

    static String slug(String label) {
        return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
