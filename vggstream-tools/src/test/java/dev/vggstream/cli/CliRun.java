package dev.vggstream.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the real command line in process and keeps what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = VggStreamCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Lines of stderr that the command printed as errors. */
    public java.util.List<String> errorLines() {
        return err.lines().filter(l -> l.startsWith("error: ")).toList();
    }

    public boolean hasStackTrace() {
        return err.contains("\tat ") || err.contains("Exception in thread");
    }
}
