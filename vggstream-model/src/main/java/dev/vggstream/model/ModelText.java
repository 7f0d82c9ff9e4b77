package dev.vggstream.model;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** How the commands describe a saved model to people: {@code model inspect}'s report, sizes on disk. */
public final class ModelText {

    private ModelText() {
    }

    /** {@code model inspect}'s report, one field a line. */
    public static void print(ModelReport r, PrintWriter out) {
        out.printf("model:         %s%n", r.path());
        out.printf(Locale.ROOT, "size on disk:  %s (%,d bytes)%n", size(r.sizeOnDiskBytes()), r.sizeOnDiskBytes());
        for (ModelReport.SignatureReport s : r.signatures()) {
            out.printf("signature:     %s (%s)%n", s.key(), s.method());
            tensors("input ", s.inputs(), out);
            tensors("output", s.outputs(), out);
        }
        out.printf(Locale.ROOT, "parameters:    %,d trainable (%,d in %d variables)%n", r.trainable(), r.parameters(),
                r.variables());
        if (r.metadata() != null) {
            var m = r.metadata();
            out.printf(Locale.ROOT, "architecture:  %s, width %s, %s%n", m.name(), m.width(),
                    m.dynamicSize() ? "any input size (prepared at " + m.imageSize() + ")"
                            : m.imageSize() + "x" + m.imageSize() + " input");
            out.printf("weights:       %s%n", m.weights());
        }
        out.printf("preprocessing: %s%n", r.preprocessing() == null ? "not stored (torch assumed)" : r.preprocessing());
        out.printf("labels:        %s%n", r.labelCount() == 0 ? "not stored (class_<index>)"
                : r.labelCount() + " " + r.labels() + (r.labelCount() > r.labels().size() ? " ..." : ""));
        out.printf("classifier:    %s%n", r.classifier());
    }

    /** A size in bytes for people, in binary units, e.g. {@code 1.5 MiB}. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static void tensors(String kind, Map<String, ModelReport.TensorReport> t, PrintWriter out) {
        t.forEach((name, d) -> out.printf("  %s %-14s %-8s %s  (%s)%n", kind, name, d.dtype(),
                d.shape() == null ? "[unknown rank]" : d.shape().toString().replace("-1", "?"), d.tensor()));
    }
}
