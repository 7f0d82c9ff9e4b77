package dev.vggstream.train;

import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImageLimits;
import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingDataTest {

    @TempDir
    Path dir;

    @Test
    void idxImagesArePreparedExactlyAsServingPreparesTheSameImageSavedAsAGreyPng() throws Exception {
        TrainingData data = TrainFixtures.loadSubset(32);
        Idx.Images raw = Idx.readImages(TrainFixtures.subset().resolve("t10k-images-idx3-ubyte.gz"));
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        ImagePreparer preparer = new ImagePreparer(32, 32, Preprocessing.TORCH);
        for (int i = 0; i < 5; i++) {
            Path png = dir.resolve(i + ".png");
            TrainFixtures.writeGreyPng(raw.image(i), 28, png);
            byte[] served = preparer.resizeAndCrop(decoder.decode(Files.readAllBytes(png))).pixels();
            assertThat(data.test().pixels(i)).as("image %d", i).isEqualTo(served);
        }
    }

    @Test
    void idxDataWithTestFilesUsesThemAndTakesFashionMnistLabelsFromThePath() throws Exception {
        TrainingData data = TrainFixtures.loadSubset(32);

        assertThat(data.train().size()).isEqualTo(500);
        assertThat(data.test().size()).isEqualTo(150);
        assertThat(data.testSource()).isEqualTo("t10k files");
        assertThat(data.labels()).isEqualTo(TrainingData.FASHION_MNIST_LABELS);
        assertThat(data.train().classCounts(10)).containsOnly(50);
        assertThat(data.train().side()).isEqualTo(32);
    }

    @Test
    void gzippedAndPlainIdxFilesReadTheSameAndALabelsFileNamesTheClasses() throws Exception {
        Path src = TrainFixtures.subset();
        Idx.Images images = Idx.readImages(src.resolve("train-images-idx3-ubyte.gz"));
        byte[] labels = Idx.readLabels(src.resolve("train-labels-idx1-ubyte.gz"));
        Path plain = Files.createDirectories(dir.resolve("digits"));
        Idx.writeImages(plain.resolve("train-images-idx3-ubyte"), images.count(), images.rows(), images.cols(),
                images.pixels());
        Idx.writeLabels(plain.resolve("train-labels-idx1-ubyte"), labels);
        Files.write(plain.resolve("labels.txt"), List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));

        Idx.Images again = Idx.readImages(plain.resolve("train-images-idx3-ubyte"));
        TrainingData data = TrainingData.load(plain, new ImagePreparer(32, 32, Preprocessing.TORCH), null, 0.2, 3);

        assertThat(again.pixels()).isEqualTo(images.pixels());
        assertThat(data.labels()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        // no t10k files: a stratified 20% of each class is held out
        assertThat(data.testSource()).isEqualTo("20% held out");
        assertThat(data.test().classCounts(10)).containsOnly(10);
        assertThat(data.train().classCounts(10)).containsOnly(40);
    }

    @Test
    void aFileThatIsNotIdxIsRefusedWithItsName() throws Exception {
        Path bad = dir.resolve("train-images-idx3-ubyte");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThatThrownBy(() -> Idx.readImages(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("not an IDX file");
    }

    @Test
    void anImageFolderWithTrainAndTestSplitsNamesItsClassesAfterTheSubFolders() throws Exception {
        for (String split : List.of("train", "test")) {
            writeImages(dir.resolve(split).resolve("cat"), 3, 0xff0000);
            writeImages(dir.resolve(split).resolve("dog"), split.equals("train") ? 4 : 2, 0x0000ff);
        }

        TrainingData data = TrainingData.load(dir, new ImagePreparer(32, 32, Preprocessing.TORCH), null, 0.1, 1);

        assertThat(data.labels()).containsExactly("cat", "dog");
        assertThat(data.train().size()).isEqualTo(7);
        assertThat(data.test().size()).isEqualTo(5);
        assertThat(data.testSource()).isEqualTo("test/ folder");
        assertThat(data.train().classCounts(2)).containsExactly(3, 4);
        // a red cat, prepared: still red at the centre
        assertThat(data.train().image(0).get(16, 16, 0)).isGreaterThan(200);
        assertThat(data.train().image(0).get(16, 16, 2)).isLessThan(50);
    }

    @Test
    void anImageFolderWithoutSplitsHoldsOutASeededStratifiedFraction() throws Exception {
        writeImages(dir.resolve("a"), 10, 0x00ff00);
        writeImages(dir.resolve("b"), 10, 0x808080);
        ImagePreparer preparer = new ImagePreparer(32, 32, Preprocessing.TORCH);

        TrainingData first = TrainingData.load(dir, preparer, null, 0.2, 5);
        TrainingData second = TrainingData.load(dir, preparer, null, 0.2, 5);

        assertThat(first.test().classCounts(2)).containsExactly(2, 2);
        assertThat(first.train().classCounts(2)).containsExactly(8, 8);
        assertThat(first.testSource()).isEqualTo("20% held out");
        for (int i = 0; i < 4; i++) {
            assertThat(second.test().name(i)).isEqualTo(first.test().name(i));
        }
    }

    @Test
    void aFolderWithoutClassFoldersIsRefusedSayingWhatItNeeds() throws Exception {
        Files.createDirectories(dir.resolve("only"));

        assertThatThrownBy(() -> TrainingData.load(dir, new ImagePreparer(32, 32, Preprocessing.TORCH), null, 0.1, 1))
                .isInstanceOf(IOException.class).hasMessageContaining("at least two class sub-folders");
    }

    private static void writeImages(Path folder, int count, int rgb) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(40 + i, 30, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40 + i; x++) {
                    img.setRGB(x, y, rgb);
                }
            }
            ImageIO.write(img, i % 2 == 0 ? "png" : "jpeg", folder.resolve("img" + i + (i % 2 == 0 ? ".png" : ".jpg"))
                    .toFile());
        }
    }
}
