package dev.vggstream.inference;

import dev.vggstream.image.Preprocessing;

import java.nio.file.Path;
import java.util.List;

/**
 * What a loaded classifier is and expects.
 *
 * @param name        model name (metadata, else the directory name)
 * @param version     the numbered version directory it came from, else "1"
 * @param inputName   the signature's input key; {@code inputTensor} is the graph tensor it names
 * @param outputName  the signature output used; {@code outputIsLogits} says whether softmax is applied here
 * @param dynamicSize whether the graph takes any image size (then {@code height}/{@code width} is what we feed)
 */
public record ModelInfo(String name, String version, Path path, List<String> labels, Preprocessing preprocessing,
                        int height, int width, int numClasses, String signatureKey, String inputName,
                        String inputTensor, String outputName, String outputTensor, boolean outputIsLogits,
                        boolean dynamicSize) {

    public ModelInfo {
        labels = List.copyOf(labels);
    }

    public String label(int index) {
        return index >= 0 && index < labels.size() ? labels.get(index) : "class_" + index;
    }

    /** Floats in one preprocessed image. */
    public int imageFloats() {
        return height * width * 3;
    }
}
