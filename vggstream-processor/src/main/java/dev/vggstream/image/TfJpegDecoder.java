package dev.vggstream.image;

import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

import java.util.Locale;

/**
 * JPEG decoding with the libjpeg-turbo inside TensorFlow, set as Pillow sets it (accurate integer IDCT, fancy
 * upsampling), so the pixels are Pillow's bit for bit, at about half the JDK decoder's cost (which copies every row
 * through Java). One graph and session for the process; sessions are thread-safe.
 */
final class TfJpegDecoder {

    private static volatile TfJpegDecoder shared;

    private final Graph graph;
    private final Session session;
    private final Placeholder<TString> input;
    private final DecodeJpeg output;
    /** One op: run it on the calling thread instead of handing it to TensorFlow's pool and waiting. */
    private static final RunOptions CALLER_THREAD = RunOptions.newBuilder().setInterOpThreadPool(-1).build();

    private TfJpegDecoder() {
        graph = new Graph();
        Ops tf = Ops.create(graph);
        input = tf.placeholder(TString.class);
        output = tf.image.decodeJpeg(input, DecodeJpeg.channels(3L), DecodeJpeg.dctMethod("INTEGER_ACCURATE"),
                DecodeJpeg.fancyUpscaling(true), DecodeJpeg.tryRecoverTruncated(false));
        session = new Session(graph);
    }

    /** The process's decoder, made on first use and closed when the JVM exits. */
    static TfJpegDecoder shared() {
        TfJpegDecoder d = shared;
        if (d == null) {
            synchronized (TfJpegDecoder.class) {
                d = shared;
                if (d == null) {
                    d = new TfJpegDecoder();
                    Runtime.getRuntime().addShutdownHook(new Thread(d::close, "vggstream-jpeg-decoder-close"));
                    shared = d;
                }
            }
        }
        return d;
    }

    /** Decodes into {@code scratch}'s buffer, or into a new array when it is null. */
    RgbImage decode(byte[] jpeg, ImageHeader header, PixelScratch scratch) throws ImageException {
        try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(jpeg));
             Result r = session.runner().feed(input, in).fetch(output).setOptions(CALLER_THREAD).run()) {
            TUint8 pixels = (TUint8) r.get(0);
            long[] shape = pixels.shape().asArray();
            if (shape[0] != header.height() || shape[1] != header.width()) {
                throw new ImageException(ImageException.Reason.CORRUPT, "decoded " + shape[1] + "x" + shape[0]
                        + " but the header declares " + header.width() + "x" + header.height());
            }
            int size = (int) pixels.size();
            byte[] rgb = scratch == null ? new byte[size] : scratch.take(size);
            pixels.asRawTensor().data().read(rgb, 0, size);
            return new RgbImage(header.width(), header.height(), rgb);
        } catch (RuntimeException e) {
            // TensorFlow reports a broken file as an invalid argument of the op
            String m = e.getMessage() == null ? e.toString() : e.getMessage().split("\n", 2)[0];
            String lower = m.toLowerCase(Locale.ROOT);
            boolean truncated = lower.contains("premature") || lower.contains("truncated");
            throw new ImageException(truncated ? ImageException.Reason.TRUNCATED : ImageException.Reason.CORRUPT,
                    "cannot decode JPEG: " + m, e);
        }
    }

    private void close() {
        session.close();
        graph.close();
    }
}
