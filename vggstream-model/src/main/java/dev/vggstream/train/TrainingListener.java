package dev.vggstream.train;

/** What a training run reports as it goes; the CLI draws progress from it. Every method may be left out. */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    default void epochStarted(int epoch, int epochs, int images) {
    }

    /** {@code images} training images of the current epoch are done. */
    default void batchDone(int images) {
    }

    default void evaluating(int epoch, int images) {
    }

    default void epochFinished(EpochMetrics metrics, int epochs) {
    }
}
