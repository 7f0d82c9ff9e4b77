package dev.vggstream.batch;

import dev.vggstream.image.ImagePipeline;
import dev.vggstream.inference.BatchClassifier;

/**
 * Where the dispatcher gets the model for each batch. A hot reload changes what {@link #peek()} returns; a batch
 * holds a {@link Lease} while it runs, so a replaced model is not closed under it.
 */
public interface ModelSource {

    /** The model now served, to prepare images for; it may be replaced at any time. */
    ServedModel peek();

    /** The model now served, held until the lease is closed: for running a batch. */
    Lease acquire();

    /** A model held for the duration of one batch. */
    interface Lease extends AutoCloseable {
        ServedModel model();

        @Override
        void close();
    }

    /** A model that never changes. */
    static ModelSource of(BatchClassifier classifier, ImagePipeline pipeline) {
        ServedModel m = new ServedModel(classifier, pipeline);
        Lease lease = new Lease() {
            @Override
            public ServedModel model() {
                return m;
            }

            @Override
            public void close() {
            }
        };
        return new ModelSource() {
            @Override
            public ServedModel peek() {
                return m;
            }

            @Override
            public Lease acquire() {
                return lease;
            }
        };
    }
}
