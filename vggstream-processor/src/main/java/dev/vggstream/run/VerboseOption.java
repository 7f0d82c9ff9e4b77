package dev.vggstream.run;

import picocli.CommandLine.Option;

/** {@code -v/--verbose} for every command: stack traces on errors (see {@link OneLineErrors}). */
public final class VerboseOption {

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors")
    public boolean on;
}
