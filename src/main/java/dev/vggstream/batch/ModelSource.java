package dev.vggstream.batch;

import dev.vggstream.image.ImagePipeline;
import dev.vggstream.inference.BatchClassifier;

/**
 * The model the next batch runs on, with the image pipeline that prepares its input. A hot reload swaps what
 * this returns; the dispatcher asks once per batch, so a batch never mixes models.
 */
public interface ModelSource {

    /** The classifier to run now; callers hold it for one batch only. */
    BatchClassifier current();

    /** Decodes and prepares images for {@link #current()}'s input. */
    ImagePipeline pipeline();

    /** What {@link #pipeline()} prepares images for. */
    default ImageSpec spec() {
        ImagePipeline p = pipeline();
        return new ImageSpec(p.preparer().height(), p.preparer().width(), p.preparer().preprocessing());
    }

    /** A fixed model. */
    static ModelSource of(BatchClassifier classifier, ImagePipeline pipeline) {
        return new ModelSource() {
            @Override
            public BatchClassifier current() {
                return classifier;
            }

            @Override
            public ImagePipeline pipeline() {
                return pipeline;
            }
        };
    }
}
