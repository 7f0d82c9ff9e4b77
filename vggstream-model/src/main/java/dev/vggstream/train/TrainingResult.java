package dev.vggstream.train;

import dev.vggstream.model.NpyArray;
import dev.vggstream.model.VggSpec;

import java.util.List;
import java.util.Map;

/**
 * What a training run produced.
 *
 * @param confusion         {@code [true class][predicted class]} counts on the test images
 * @param testProbabilities the training session's evaluation-mode probabilities of every test image,
 *                          {@code [image * classes + class]}: what the exported model must reproduce
 * @param weights           the trained weights in torchvision's names and layouts
 */
public record TrainingResult(VggSpec spec, List<EpochMetrics> epochs, double testAccuracy, double testLoss,
                             int[][] confusion, float[] testProbabilities, Map<String, NpyArray> weights,
                             long parameters, double trainSeconds) {

    /** The index of the largest probability of test image {@code i}. */
    public int predicted(int i) {
        return Trainer.argmax(testProbabilities, i * spec.numClasses(), spec.numClasses());
    }
}
