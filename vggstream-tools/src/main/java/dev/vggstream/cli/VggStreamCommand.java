package dev.vggstream.cli;

import dev.vggstream.run.RunCommand;
import dev.vggstream.run.ExitCodes;
import dev.vggstream.run.OneLineErrors;
import dev.vggstream.run.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code vggstream} command: one subcommand per job. */
@Command(name = "vggstream", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Classify images streaming through Kafka with a VGG TensorFlow model.",
        subcommands = {DemoCommand.class, RunCommand.class, ModelCommand.class, ProduceCommand.class, TailCommand.class,
                BrokerCommand.class, BenchCommand.class, AotCacheCommand.class,
                CommandLine.HelpCommand.class})
public final class VggStreamCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    /** The configured command line: one-line errors, stack traces only with --verbose. */
    public static CommandLine commandLine() {
        return OneLineErrors.configure(new CommandLine(new VggStreamCommand()));
    }
}
