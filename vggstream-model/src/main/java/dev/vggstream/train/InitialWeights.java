package dev.vggstream.train;

import dev.vggstream.inference.Tensors;
import dev.vggstream.model.GraphVariables;
import dev.vggstream.model.Npz;
import dev.vggstream.model.NpyArray;
import dev.vggstream.model.Parameter;
import dev.vggstream.model.VggGraph;
import dev.vggstream.model.VggSpec;
import dev.vggstream.model.WeightsException;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Weights to start fine-tuning from: a torchvision {@code .npz} or a SavedModel made by {@code model build} or
 * {@code model train} (its variables carry torchvision's names). The classifier head ({@code classifier.6}) is
 * replaced by a freshly initialised one for the new classes; every other array must match the network exactly.
 */
public final class InitialWeights {

    /** The head that is re-initialised for the new classes. */
    public static final String HEAD = "classifier.6";

    private InitialWeights() {
    }

    /** Reads a {@code .npz} file or a SavedModel directory, in torchvision's names and layouts. */
    public static Map<String, NpyArray> read(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            return readSavedModel(source);
        }
        if (!Files.isRegularFile(source)) {
            throw new IOException("initial weights " + source + " do not exist");
        }
        return Npz.read(source);
    }

    /** The weights in {@code source} ({@link #read}) made to fit {@code spec} ({@link #forNewHead}). */
    public static Map<String, NpyArray> forSpec(Path source, VggSpec spec, long seed)
            throws IOException, WeightsException {
        Map<String, NpyArray> arrays = read(source);
        List<Parameter> params;
        try (VggGraph g = VggGraph.build(spec)) {
            params = g.parameters();
        }
        return forNewHead(arrays, spec, params, seed);
    }

    /**
     * {@code arrays} with the head replaced for {@code spec}'s classes (torchvision's initialisation, N(0, 0.01)
     * weights and zero bias, drawn from {@code seed}), after checking every other array against the network.
     * All problems are reported at once, each naming the array.
     */
    public static Map<String, NpyArray> forNewHead(Map<String, NpyArray> arrays, VggSpec spec, List<Parameter> params,
                                                   long seed) throws WeightsException {
        List<String> problems = new ArrayList<>();
        Set<String> known = new HashSet<>();
        Map<String, NpyArray> out = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : params) {
            known.add(p.name());
            if (p.name().startsWith(HEAD + ".")) {
                out.put(p.name(), freshHead(p, random));
                continue;
            }
            NpyArray a = arrays.get(p.name());
            if (a == null) {
                problems.add("missing array " + p.name() + " (expected shape " + Arrays.toString(p.torchShape()) + ")");
            } else if (!Arrays.equals(a.shape(), p.torchShape())) {
                problems.add("array " + p.name() + " has shape " + a.shapeText() + ", expected "
                        + Arrays.toString(p.torchShape()));
            } else {
                out.put(p.name(), a);
            }
        }
        for (NpyArray a : arrays.values()) {
            if (!known.contains(a.name()) && !a.name().endsWith(".num_batches_tracked")) {
                problems.add("unexpected array " + a.name() + " with shape " + a.shapeText() + " (not part of "
                        + spec.torchvisionName() + " at width " + spec.width() + ")");
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 8);
            String more = problems.size() > shown ? " (and " + (problems.size() - shown) + " more)" : "";
            throw new WeightsException(String.join("; ", problems.subList(0, shown)) + more);
        }
        return out;
    }

    private static NpyArray freshHead(Parameter p, SplittableRandom random) {
        float[] data = new float[(int) p.elementCount()];
        if (p.name().endsWith(".weight")) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (nextGaussian(random) * 0.01);
            }
        }
        return new NpyArray(p.name(), "<f4", p.torchShape(), data);
    }

    private static double nextGaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no Gaussian before Java 17's RandomGenerator default, kept explicit
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static Map<String, NpyArray> readSavedModel(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new IOException(dir + " is not a SavedModel directory (no saved_model.pb)");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
            for (Map.Entry<String, Shape> v : GraphVariables.of(bundle.graph()).entrySet()) {
                String name = v.getKey();
                if (!name.startsWith("features.") && !name.startsWith("classifier.")) {
                    continue;
                }
                long[] tfShape = v.getValue().asArray();
                Parameter p = parameterFor(name, tfShape);
                try (Result r = bundle.session().runner().fetch(name).run()) {
                    out.put(name, new NpyArray(name, "<f4", p.torchShape(), p.toTorchLayout(Tensors.floats(r, 0))));
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot read the SavedModel in " + dir + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(dir + " has no variables named as torchvision's VGG (features.*, classifier.*)");
        }
        return out;
    }

    /** The parameter a variable of the serving graph stores, from its TensorFlow shape. */
    static Parameter parameterFor(String name, long[] tfShape) {
        if (tfShape.length == 4) {
            return new Parameter(name, new long[] {tfShape[3], tfShape[2], tfShape[0], tfShape[1]},
                    Parameter.Layout.CONV_KERNEL, true);
        }
        if (tfShape.length == 2) {
            return new Parameter(name, new long[] {tfShape[1], tfShape[0]}, Parameter.Layout.DENSE_KERNEL, true);
        }
        return new Parameter(name, tfShape.clone(), Parameter.Layout.VECTOR, GraphVariables.isTrainable(name));
    }
}
