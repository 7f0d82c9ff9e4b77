package dev.vggstream.batch;

import dev.vggstream.image.ImagePipeline;
import dev.vggstream.inference.BatchClassifier;

/** A classifier with the pipeline that prepares its input: what one batch, or one record, uses throughout. */
public record ServedModel(BatchClassifier classifier, ImagePipeline pipeline) {

    /** What {@link #pipeline()} prepares images for. */
    public ImageSpec spec() {
        return new ImageSpec(pipeline.preparer().height(), pipeline.preparer().width(),
                pipeline.preparer().preprocessing());
    }
}
