package dev.vggstream.model;

import dev.vggstream.inference.ModelMetadata;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * What {@code vggstream model inspect} says about a SavedModel.
 *
 * @param parameters  elements in all the graph's variables of known shape
 * @param trainable   the same without BatchNorm running statistics (torchvision's parameter count)
 * @param classifier  "yes: ..." when the classifier API can serve it, else why not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelReport(String path, long sizeOnDiskBytes, List<SignatureReport> signatures, int variables,
                          long parameters, long trainable, int labelCount, List<String> labels,
                          String preprocessing, ModelMetadata metadata, String classifier) {

    public record SignatureReport(String key, String method, Map<String, TensorReport> inputs,
                                  Map<String, TensorReport> outputs) {
    }

    public record TensorReport(String tensor, String dtype, List<Long> shape) {
    }
}
