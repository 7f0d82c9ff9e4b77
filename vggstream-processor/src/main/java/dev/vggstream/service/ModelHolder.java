package dev.vggstream.service;

import dev.vggstream.batch.ModelSource;
import dev.vggstream.batch.ServedModel;
import dev.vggstream.image.ImageDecoder;
import dev.vggstream.image.ImagePipeline;
import dev.vggstream.image.ImagePreparer;
import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ClassifierOptions;
import dev.vggstream.inference.ModelException;
import dev.vggstream.inference.ModelInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The model an instance serves, loaded once and shared by every stream thread, with the image pipeline its input
 * needs. Its lock is the one that guards a model's lifetime: a batch holds the read side through its
 * {@link Lease}; {@link #swap} (hot reload) takes the write side to switch models between batches, and the previous
 * classifier is closed only after that, as {@link #close} closes the last one only once no batch holds it.
 */
public final class ModelHolder implements ModelSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelHolder.class);

    private final Path modelPath;
    private final ClassifierOptions options;
    private final ImageDecoder decoder;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile ServedModel served;

    private ModelHolder(Path modelPath, ClassifierOptions options, ImageDecoder decoder, ServedModel first) {
        this.modelPath = modelPath;
        this.options = options;
        this.decoder = decoder;
        this.served = first;
    }

    /** Loads the highest version under {@code modelPath} (or the SavedModel at it) and warms it up. */
    public static ModelHolder load(Path modelPath, ClassifierOptions options, ImageDecoder decoder,
                                   int[] warmupSizes) throws ModelException {
        ServedModel s = open(resolve(modelPath), options, decoder, warmupSizes);
        return new ModelHolder(modelPath, options, decoder, s);
    }

    static Path resolve(Path modelPath) throws ModelException {
        try {
            return ModelVersions.latest(modelPath).orElseThrow(() -> new ModelException("no SavedModel at "
                    + modelPath + " (neither saved_model.pb nor numbered version directories holding one)"));
        } catch (IOException e) {
            throw new ModelException("cannot read model path " + modelPath + ": " + e.getMessage(), e);
        }
    }

    /** Loads and warms up a classifier; closes it again if it cannot serve. */
    static ServedModel open(Path dir, ClassifierOptions options, ImageDecoder decoder, int[] warmupSizes)
            throws ModelException {
        long v = ModelVersions.version(dir);
        Classifier c = Classifier.load(dir, v >= 0 ? options.withVersion(Long.toString(v)) : options);
        try {
            if (warmupSizes.length > 0) {
                Warmup.run(c, warmupSizes);
            }
            ModelInfo i = c.info();
            return new ServedModel(c, new ImagePipeline(decoder,
                    new ImagePreparer(i.height(), i.width(), i.preprocessing())));
        } catch (RuntimeException e) {
            c.close();
            throw new ModelException("model " + dir + " failed its warm-up: " + e.getMessage(), e);
        }
    }

    @Override
    public ServedModel peek() {
        return served;
    }

    @Override
    public Lease acquire() {
        lock.readLock().lock();
        ServedModel m = served;
        return new Lease() {
            private boolean closed;

            @Override
            public ServedModel model() {
                return m;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    lock.readLock().unlock();
                }
            }
        };
    }

    public ModelInfo info() {
        return served.classifier().info();
    }

    public Path modelPath() {
        return modelPath;
    }

    public ClassifierOptions options() {
        return options;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /**
     * Loads and warms {@code dir} beside the served model, switches to it between batches and closes the old one.
     *
     * @throws ModelException if the new model cannot be served; the old one keeps serving
     */
    public ModelInfo swap(Path dir, int[] warmupSizes) throws ModelException {
        ServedModel next = open(dir, options, decoder, warmupSizes);
        ServedModel old;
        lock.writeLock().lock();
        try {
            old = served;
            served = next;
        } finally {
            lock.writeLock().unlock();
        }
        log.info("now serving {} v{} from {} (was v{})", next.classifier().info().name(),
                next.classifier().info().version(), dir, old.classifier().info().version());
        old.classifier().close();
        return next.classifier().info();
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            served.classifier().close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
