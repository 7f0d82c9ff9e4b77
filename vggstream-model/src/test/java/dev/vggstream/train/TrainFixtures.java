package dev.vggstream.train;

import dev.vggstream.image.ImagePreparer;
import dev.vggstream.image.Preprocessing;
import dev.vggstream.model.VggArch;
import dev.vggstream.model.VggTrainingGraph;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The committed Fashion-MNIST subset and small training configurations for tests. */
final class TrainFixtures {

    /** 500 training (50 per class) and 150 test (15 per class) images, gzipped IDX. */
    static final String SUBSET = "train/fashion-subset";

    private TrainFixtures() {
    }

    static Path subset() {
        try {
            return Path.of(TrainFixtures.class.getClassLoader().getResource(SUBSET).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TrainingData loadSubset(int side) throws IOException {
        return TrainingData.load(subset(), new ImagePreparer(side, side, Preprocessing.TORCH), null, 0.1, 1);
    }

    /** vgg11_bn at {@code width}, 32 px, SGD with Nesterov momentum, cosine schedule, fixed seed, 2 threads. */
    static TrainConfig config(double width, int epochs, int batch, float lr, boolean augment, float dropout) {
        return new TrainConfig(VggArch.VGG11, true, width, 32, Preprocessing.TORCH, epochs, batch, lr,
                TrainConfig.Schedule.COSINE, 1, VggTrainingGraph.Optimizer.sgd(0.9f, true, 5e-4f), augment, 3, true,
                0f, dropout, 7, 2);
    }

    /** A 28x28 grey image as Fashion-MNIST stores it, written as a grey PNG. */
    static void writeGreyPng(byte[] grey, int side, Path file) throws IOException {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, side, side, grey);
        ImageIO.write(img, "png", file.toFile());
    }
}
