package dev.vggstream.train;

/**
 * One epoch of training.
 *
 * @param learningRate    the rate of the epoch's last step
 * @param trainLoss       mean training loss over the epoch's batches (augmented images, dropout on)
 * @param trainAccuracy   top-1 accuracy of the training forward passes over the epoch
 * @param testLoss        mean cross-entropy on the test images in evaluation mode
 * @param testAccuracy    top-1 accuracy on the test images in evaluation mode
 * @param seconds         wall time of the epoch's training steps (evaluation excluded)
 * @param imagesPerSecond training images per second
 */
public record EpochMetrics(int epoch, double learningRate, double trainLoss, double trainAccuracy, double testLoss,
                           double testAccuracy, double seconds, double imagesPerSecond, double evalSeconds) {
}
