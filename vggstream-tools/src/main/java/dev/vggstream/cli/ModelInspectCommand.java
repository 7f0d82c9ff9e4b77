package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vggstream.inference.ModelException;
import dev.vggstream.model.ModelInspector;
import dev.vggstream.model.ModelReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vggstream model inspect DIR}: what a SavedModel takes, gives and holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe a SavedModel: signatures, dtypes and shapes, parameters, labels, preprocessing, size.")
final class ModelInspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "SavedModel directory")
    Path dir;

    @Option(names = "--json", description = "Print the report as JSON")
    boolean json;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelReport r;
        try {
            r = ModelInspector.inspect(dir);
        } catch (ModelException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            print(r, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    static void print(ModelReport r, PrintWriter out) {
        out.printf("model:         %s%n", r.path());
        out.printf(Locale.ROOT, "size on disk:  %s (%,d bytes)%n", human(r.sizeOnDiskBytes()), r.sizeOnDiskBytes());
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

    private static void tensors(String kind, Map<String, ModelReport.TensorReport> t, PrintWriter out) {
        t.forEach((name, d) -> out.printf("  %s %-14s %-8s %s  (%s)%n", kind, name, d.dtype(),
                d.shape() == null ? "[unknown rank]" : d.shape().toString().replace("-1", "?"), d.tensor()));
    }

    static String human(long bytes) {
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
}
