package dev.vggstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code vggstream bench ...}: benchmarks you can rerun; numbers are ratios measured in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (not tests): the model alone, and the pipeline around it.",
        subcommands = {BenchModelCommand.class})
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
