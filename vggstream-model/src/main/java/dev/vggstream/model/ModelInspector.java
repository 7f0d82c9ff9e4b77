package dev.vggstream.model;

import dev.vggstream.inference.Classifier;
import dev.vggstream.inference.ModelException;
import dev.vggstream.inference.ModelMetadata;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Describes any SavedModel: names, dtypes and shapes are read from its signatures, never assumed, so models
 * exported by Keras or TF Serving tools are described as well as ours.
 */
public final class ModelInspector {

    private ModelInspector() {
    }

    public static ModelReport inspect(Path dir) throws ModelException {
        Classifier.Stored stored = Classifier.stored(dir);
        Optional<ModelMetadata> metadata = stored.metadata();
        Optional<List<String>> labels = stored.labels();
        try (SavedModelBundle bundle = Classifier.open(dir, null)) {
            List<ModelReport.SignatureReport> sigs = new ArrayList<>();
            for (Signature s : bundle.signatures()) {
                sigs.add(new ModelReport.SignatureReport(s.key(), s.methodName(), tensors(s.getInputs()),
                        tensors(s.getOutputs())));
            }
            Map<String, Shape> vars = GraphVariables.of(bundle.graph());
            long all = GraphVariables.elementCount(vars, n -> true);
            long trainable = GraphVariables.elementCount(vars, GraphVariables::isTrainable);
            List<String> l = labels.orElse(List.of());
            return new ModelReport(dir.toString(), sizeOnDisk(dir), sigs, vars.size(), all, trainable, l.size(),
                    l.size() > 20 ? l.subList(0, 20) : l, metadata.map(ModelMetadata::preprocessing).orElse(null),
                    metadata.orElse(null), Classifier.servingVerdict(bundle));
        }
    }

    private static Map<String, ModelReport.TensorReport> tensors(Map<String, Signature.TensorDescription> in) {
        Map<String, ModelReport.TensorReport> out = new LinkedHashMap<>();
        in.forEach((k, d) -> {
            List<Long> shape = new ArrayList<>();
            if (!d.shape.isUnknown()) {
                for (long v : d.shape.asArray()) {
                    shape.add(v);
                }
            }
            out.put(k, new ModelReport.TensorReport(d.name,
                    d.dataType.name().replace("DT_", "").toLowerCase(java.util.Locale.ROOT),
                    d.shape.isUnknown() ? null : shape));
        });
        return out;
    }

    /** Bytes in the files below {@code dir}. */
    public static long sizeOnDisk(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
