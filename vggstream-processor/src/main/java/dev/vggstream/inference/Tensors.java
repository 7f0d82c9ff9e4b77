package dev.vggstream.inference;

import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Images into TensorFlow and numbers out of it, for everything that runs a VGG session (serving and training). */
public final class Tensors {

    private Tensors() {
    }

    /**
     * {@code n} NHWC RGB images as a float32 tensor, which the caller closes; {@code pixels} may be longer than
     * the images need (a reused buffer), the rest is not read.
     */
    public static TFloat32 images(float[] pixels, int n, int height, int width) {
        long needed = (long) n * height * width * 3;
        return TFloat32.tensorOf(Shape.of(n, height, width, 3), DataBuffers.of(pixels, true, false).narrow(needed));
    }

    /** The float32 tensor at {@code index} of {@code r}, copied out, so it outlives {@code r} (which the caller closes). */
    public static float[] floats(Result r, int index) {
        TFloat32 t = (TFloat32) r.get(index);
        float[] data = new float[(int) t.size()];
        t.asRawTensor().data().asFloats().read(data);
        return data;
    }
}
