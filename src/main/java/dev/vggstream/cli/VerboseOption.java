package dev.vggstream.cli;

import picocli.CommandLine.Option;

/** {@code -v/--verbose} for every command: stack traces on errors (see {@link OneLineErrors}). */
final class VerboseOption {

    @Option(names = {"-v", "--verbose"}, description = "Stack traces on errors")
    boolean on;
}
