package dev.vggstream.model;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The variables a graph declares, read from its operations: works for any SavedModel, ours or Keras'. */
public final class GraphVariables {

    private static final Set<String> VARIABLE_OPS = Set.of("VariableV2", "Variable", "VarHandleOp");

    private GraphVariables() {
    }

    /** Variable name to shape, in graph order. Variables of unknown shape map to {@link Shape#unknown()}. */
    public static Map<String, Shape> of(Graph graph) {
        Map<String, Shape> out = new LinkedHashMap<>();
        Iterator<GraphOperation> it = graph.operations();
        while (it.hasNext()) {
            GraphOperation op = it.next();
            if (VARIABLE_OPS.contains(op.type())) {
                Shape s;
                try {
                    s = op.attributes().getAttrShape("shape");
                } catch (RuntimeException e) {
                    s = Shape.unknown();
                }
                out.put(op.name(), s);
            }
        }
        return out;
    }

    /** Elements in all variables of known shape whose name passes {@code include}. */
    public static long elementCount(Map<String, Shape> variables, java.util.function.Predicate<String> include) {
        long n = 0;
        for (Map.Entry<String, Shape> e : variables.entrySet()) {
            if (include.test(e.getKey()) && !e.getValue().isUnknown() && !e.getValue().hasUnknownDimension()) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** torchvision counts BatchNorm running statistics as buffers, not parameters. */
    public static boolean isTrainable(String name) {
        return !name.endsWith(".running_mean") && !name.endsWith(".running_var")
                && !name.endsWith(".num_batches_tracked");
    }
}
