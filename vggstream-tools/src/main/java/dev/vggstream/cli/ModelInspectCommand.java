package dev.vggstream.cli;

import dev.vggstream.run.CliException;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.VerboseOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vggstream.inference.ModelException;
import dev.vggstream.model.ModelInspector;
import dev.vggstream.model.ModelReport;
import dev.vggstream.model.ModelText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
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
            ModelText.print(r, out);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
