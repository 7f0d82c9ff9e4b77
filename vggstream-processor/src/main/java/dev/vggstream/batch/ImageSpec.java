package dev.vggstream.batch;

import dev.vggstream.image.Preprocessing;

/**
 * What a prepared image was prepared for. A batch is only formed from images prepared for the model that runs
 * it; after a hot reload to a model of another size or preprocessing, queued images are prepared again.
 */
public record ImageSpec(int height, int width, Preprocessing preprocessing) {

    public int floats() {
        return height * width * 3;
    }
}
