package dev.vggstream.inference;

import dev.vggstream.image.Preprocessing;
import org.tensorflow.proto.ConfigProto;

import java.util.List;

/**
 * How to load a SavedModel as a classifier. Every override is optional (null): by default names, labels, size
 * and preprocessing come from the signature and from the metadata vggstream stores beside the model.
 *
 * @param signatureKey  signature to serve; null means {@code serving_default}, or the only signature there is
 * @param outputName    signature output to read; null picks {@code probabilities}, else {@code logits}, else the
 *                      only rank-2 float output
 * @param outputKind    whether that output is already probabilities; AUTO decides from the name, or by looking at
 *                      one result (non-negative rows summing to 1)
 * @param imageSize     side to feed a graph that accepts any size, when its metadata does not say
 * @param configProto   TensorFlow session options (device placement, GPU memory), null for TensorFlow's defaults
 */
public record ClassifierOptions(String signatureKey, String outputName, OutputKind outputKind, List<String> labels,
                                Preprocessing preprocessing, Integer imageSize, String name, String version,
                                ConfigProto configProto) {

    public enum OutputKind { AUTO, PROBABILITIES, LOGITS }

    public static ClassifierOptions defaults() {
        return new ClassifierOptions(null, null, OutputKind.AUTO, null, null, null, null, null, null);
    }

    public ClassifierOptions withLabels(List<String> l) {
        return new ClassifierOptions(signatureKey, outputName, outputKind, l, preprocessing, imageSize, name, version,
                configProto);
    }

    public ClassifierOptions withPreprocessing(Preprocessing p) {
        return new ClassifierOptions(signatureKey, outputName, outputKind, labels, p, imageSize, name, version,
                configProto);
    }

    public ClassifierOptions withVersion(String v) {
        return new ClassifierOptions(signatureKey, outputName, outputKind, labels, preprocessing, imageSize, name, v,
                configProto);
    }

    public ClassifierOptions withConfigProto(ConfigProto c) {
        return new ClassifierOptions(signatureKey, outputName, outputKind, labels, preprocessing, imageSize, name,
                version, c);
    }

    public ClassifierOptions withImageSize(Integer s) {
        return new ClassifierOptions(signatureKey, outputName, outputKind, labels, preprocessing, s, name, version,
                configProto);
    }

    public ClassifierOptions withSignatureKey(String k) {
        return new ClassifierOptions(k, outputName, outputKind, labels, preprocessing, imageSize, name, version,
                configProto);
    }
}
