package dev.vggstream.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdaptivePoolTest {

    /** torch's AdaptiveAvgPool2d written plainly: bin i covers [floor(i*n/out), ceil((i+1)*n/out)). */
    static float[] reference(float[] nhwc, int n, int h, int w, int c, int side) {
        float[] out = new float[n * c * side * side];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < side; i++) {
                    int y0 = Math.floorDiv(i * h, side);
                    int y1 = -Math.floorDiv(-(i + 1) * h, side);
                    for (int j = 0; j < side; j++) {
                        int x0 = Math.floorDiv(j * w, side);
                        int x1 = -Math.floorDiv(-(j + 1) * w, side);
                        double sum = 0;
                        for (int y = y0; y < y1; y++) {
                            for (int x = x0; x < x1; x++) {
                                sum += nhwc[((b * h + y) * w + x) * c + ch];
                            }
                        }
                        out[((b * c + ch) * side + i) * side + j] = (float) (sum / ((y1 - y0) * (x1 - x0)));
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "a {1}x{2} map pools to 7x7 like torch, flattened in NCHW order")
    @CsvSource({"2, 1, 1", "1, 2, 3", "2, 7, 7", "1, 5, 9", "2, 13, 11", "1, 14, 14", "1, 3, 20"})
    void poolsLikeTorchForAnyFeatureMapSize(int n, int h, int w) {
        int c = 4;
        float[] x = new float[n * h * w * c];
        Random r = new Random(h * 31L + w);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, c)));
            Operand<TFloat32> pooled = VggGraph.adaptiveAvgPoolTorchOrder(tf, in, c, 7);
            try (TFloat32 t = TFloat32.tensorOf(Shape.of(n, h, w, c), DataBuffers.of(x, true, false));
                 Result res = s.runner().feed(in, t).fetch(pooled).run()) {
                TFloat32 out = (TFloat32) res.get(0);
                assertThat(out.shape().asArray()).containsExactly(n, c * 49L);
                float[] got = new float[(int) out.size()];
                out.asRawTensor().data().asFloats().read(got);
                float[] want = reference(x, n, h, w, c, 7);
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i]).as("element %d", i).isCloseTo(want[i], within(1e-5f));
                }
            }
        }
    }
}
