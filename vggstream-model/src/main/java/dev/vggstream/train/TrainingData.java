package dev.vggstream.train;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageException;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.RgbImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A training set and a test set, prepared for one model side, with the class labels.
 *
 * <p>{@link #load} reads either
 * <ul>
 *   <li>MNIST-style IDX files (gzip-compressed or not): a directory holding {@code train-images*},
 *       {@code train-labels*} and, optionally, {@code t10k-images*} and {@code t10k-labels*}. Each 28x28 grey image
 *       becomes an 8-bit RGB image (grey replicated, as a grey PNG decodes) and goes through the serving
 *       {@link ImagePreparer#resizeAndCrop}. Labels come from a {@code labels.txt} beside the files, else
 *       Fashion-MNIST's ten names when the path mentions "fashion", else the class numbers;</li>
 *   <li>an image folder: one sub-folder per class holding JPEG/PNG files, decoded by the serving
 *       {@link ImageDecoder}; either directly, or under {@code train/} with a {@code test/} (or {@code val/})
 *       beside it.</li>
 * </ul>
 * Without a test split, a stratified, seeded fraction of the training images is held out.
 *
 * @param testSource what the test images are: {@code t10k files}, {@code test/ folder}, {@code 10% held out}
 */
public record TrainingData(PreparedImages train, PreparedImages test, List<String> labels, String format,
                           String testSource) {

    /** Fashion-MNIST's classes, in label order. */
    public static final List<String> FASHION_MNIST_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public int numClasses() {
        return labels.size();
    }

    /**
     * Loads and prepares the data at {@code dir}.
     *
     * @param labels  class labels to use instead of the stored ones (IDX only; folders name their classes), or null
     * @param holdout fraction of the training images to test on when there is no test split
     */
    public static TrainingData load(Path dir, ImagePreparer preparer, List<String> labels, double holdout, long seed)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("data directory " + dir + " does not exist");
        }
        Optional<Path> trainImages = find(dir, "train-images");
        if (trainImages.isPresent()) {
            return loadIdx(dir, trainImages.get(), preparer, labels, holdout, seed);
        }
        if (labels != null) {
            throw new IllegalArgumentException("an image folder names its classes by its sub-folders; "
                    + "labels cannot be given");
        }
        return loadFolder(dir, preparer, holdout, seed);
    }

    /** Whether {@code dir} holds IDX files ({@code train-images*}) rather than an image folder. */
    public static boolean isIdx(Path dir) throws IOException {
        return Files.isDirectory(dir) && find(dir, "train-images").isPresent();
    }

    // ---- IDX ---------------------------------------------------------------------------------------------------

    private static TrainingData loadIdx(Path dir, Path trainImages, ImagePreparer preparer, List<String> labels,
                                        double holdout, long seed) throws IOException {
        Path trainLabels = find(dir, "train-labels")
                .orElseThrow(() -> new IOException(dir + " has " + trainImages.getFileName() + " but no train-labels file"));
        Optional<Path> testImages = find(dir, "t10k-images");
        Optional<Path> testLabels = find(dir, "t10k-labels");
        if (testImages.isPresent() != testLabels.isPresent()) {
            throw new IOException(dir + " has only one of t10k-images and t10k-labels");
        }
        PreparedImages train = idxImages(trainImages, trainLabels, preparer);
        int maxLabel = maxLabel(train);
        PreparedImages test = null;
        if (testImages.isPresent()) {
            test = idxImages(testImages.get(), testLabels.get(), preparer);
            maxLabel = Math.max(maxLabel, maxLabel(test));
        }
        List<String> names = labels != null ? labels : idxLabels(dir, maxLabel + 1);
        if (names.size() <= maxLabel) {
            throw new IOException("labels name " + names.size() + " classes but the data has label " + maxLabel);
        }
        if (test != null) {
            return new TrainingData(train, test, names, "idx", "t10k files");
        }
        PreparedImages[] split = holdOut(train, names.size(), holdout, seed);
        return new TrainingData(split[0], split[1], names, "idx", percent(holdout) + " held out");
    }

    private static PreparedImages idxImages(Path imagesFile, Path labelsFile, ImagePreparer preparer)
            throws IOException {
        Idx.Images images = Idx.readImages(imagesFile);
        byte[] labels = Idx.readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new IOException(imagesFile.getFileName() + " has " + images.count() + " images but "
                    + labelsFile.getFileName() + " has " + labels.length + " labels");
        }
        int n = images.count();
        int plane = images.rows() * images.cols();
        byte[][] prepared = new byte[n][];
        IntStream.range(0, n).parallel().forEach(i -> {
            byte[] rgb = new byte[plane * 3];
            int base = i * plane;
            for (int p = 0; p < plane; p++) {
                byte v = images.pixels()[base + p];
                rgb[3 * p] = v;
                rgb[3 * p + 1] = v;
                rgb[3 * p + 2] = v;
            }
            prepared[i] = exact(preparer.resizeAndCrop(new RgbImage(images.cols(), images.rows(), rgb)));
        });
        int[] l = new int[n];
        List<String> names = new ArrayList<>(n);
        String file = imagesFile.getFileName().toString();
        for (int i = 0; i < n; i++) {
            l[i] = labels[i] & 0xff;
            names.add(file + "#" + i);
        }
        return new PreparedImages(preparer.width(), Arrays.asList(prepared), l, names);
    }

    private static List<String> idxLabels(Path dir, int classes) throws IOException {
        Path file = dir.resolve("labels.txt");
        if (Files.isRegularFile(file)) {
            List<String> l = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (l.size() < classes) {
                throw new IOException(file + " names " + l.size() + " classes but the data has " + classes);
            }
            return l;
        }
        if (classes <= FASHION_MNIST_LABELS.size()
                && dir.toAbsolutePath().toString().toLowerCase(Locale.ROOT).contains("fashion")) {
            return FASHION_MNIST_LABELS;
        }
        List<String> digits = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            digits.add(Integer.toString(i));
        }
        return digits;
    }

    private static int maxLabel(PreparedImages images) {
        int max = 0;
        for (int i = 0; i < images.size(); i++) {
            max = Math.max(max, images.label(i));
        }
        return max;
    }

    // ---- image folders -----------------------------------------------------------------------------------------

    private static TrainingData loadFolder(Path dir, ImagePreparer preparer, double holdout, long seed)
            throws IOException {
        Path trainDir = dir.resolve("train");
        Path testDir = Files.isDirectory(dir.resolve("test")) ? dir.resolve("test") : dir.resolve("val");
        boolean split = Files.isDirectory(trainDir) && Files.isDirectory(testDir);
        Path root = split ? trainDir : dir;
        List<String> classes = classFolders(root);
        if (classes.size() < 2) {
            throw new IOException(root + " needs at least two class sub-folders of images, found " + classes.size()
                    + " (or IDX files named train-images*/train-labels*)");
        }
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        PreparedImages train = folderImages(root, classes, decoder, preparer);
        if (split) {
            for (String c : classFolders(testDir)) {
                if (!classes.contains(c)) {
                    throw new IOException(testDir + " has class " + c + " which " + trainDir + " lacks");
                }
            }
            PreparedImages test = folderImages(testDir, classes, decoder, preparer);
            return new TrainingData(train, test, classes, "folder", dir.relativize(testDir) + "/ folder");
        }
        PreparedImages[] parts = holdOut(train, classes.size(), holdout, seed);
        return new TrainingData(parts[0], parts[1], classes, "folder", percent(holdout) + " held out");
    }

    private static List<String> classFolders(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private static PreparedImages folderImages(Path root, List<String> classes, ImageDecoder decoder,
                                               ImagePreparer preparer) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> labelOf = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path classDir = root.resolve(classes.get(c));
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(classDir)) {
                for (Path f : s.filter(Files::isRegularFile).filter(TrainingData::looksLikeImage).sorted().toList()) {
                    files.add(f);
                    labelOf.add(c);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException(root + " holds no JPEG or PNG files in its class folders");
        }
        byte[][] prepared = new byte[files.size()][];
        try {
            IntStream.range(0, files.size()).parallel().forEach(i -> {
                Path f = files.get(i);
                try {
                    prepared[i] = exact(preparer.resizeAndCrop(decoder.decode(Files.readAllBytes(f))));
                } catch (IOException e) {
                    throw new UncheckedIOException(new IOException("cannot read " + f + ": " + e.getMessage(), e));
                } catch (ImageException e) {
                    throw new UncheckedIOException(new IOException(f + ": " + e.getMessage(), e));
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int[] l = labelOf.stream().mapToInt(Integer::intValue).toArray();
        List<String> names = files.stream().map(f -> root.relativize(f).toString()).toList();
        return new PreparedImages(preparer.width(), Arrays.asList(prepared), l, names);
    }

    static boolean looksLikeImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Splits off a stratified, seeded {@code fraction} of each class (at least one image of a class of two). */
    static PreparedImages[] holdOut(PreparedImages all, int classes, double fraction, long seed) {
        if (!(fraction > 0) || fraction >= 1) {
            throw new IllegalArgumentException("the held-out fraction must be in (0, 1), got " + fraction);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (all.label(i) == c) {
                    members.add(i);
                }
            }
            for (int i = members.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                Integer t = members.get(i);
                members.set(i, members.get(j));
                members.set(j, t);
            }
            int held = members.size() < 2 ? 0 : Math.max(1, (int) Math.round(members.size() * fraction));
            test.addAll(members.subList(0, held));
            train.addAll(members.subList(held, members.size()));
        }
        train.sort(null);
        test.sort(null);
        if (test.isEmpty()) {
            throw new IllegalArgumentException("too few images to hold any out for testing");
        }
        return new PreparedImages[] {all.select(train.stream().mapToInt(Integer::intValue).toArray()),
                all.select(test.stream().mapToInt(Integer::intValue).toArray())};
    }

    private static String percent(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? Long.toString(Math.round(p)) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    private static byte[] exact(RgbImage img) {
        int n = img.width() * img.height() * 3;
        byte[] p = img.pixels();
        return p.length == n ? p : Arrays.copyOf(p, n);
    }

    private static Optional<Path> find(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> hits = s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
            if (hits.size() > 1) {
                // prefer the uncompressed copy when both are there; otherwise the choice would be arbitrary
                Optional<Path> plain = hits.stream().filter(p -> !p.toString().endsWith(".gz")).findFirst();
                if (hits.size() == 2 && plain.isPresent()) {
                    return plain;
                }
                throw new IOException(dir + " has several " + prefix + "* files: " + hits);
            }
            return hits.stream().findFirst();
        }
    }

    /** The first {@code trainLimit} training and {@code testLimit} test images, where a limit is given. */
    public TrainingData limited(Integer trainLimit, Integer testLimit) {
        PreparedImages tr = trainLimit == null ? train : train.limit(trainLimit);
        PreparedImages te = testLimit == null ? test : test.limit(testLimit);
        return new TrainingData(tr, te, labels, format, testSource);
    }
}
