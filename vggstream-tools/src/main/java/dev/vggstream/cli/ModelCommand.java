package dev.vggstream.cli;

import dev.vggstream.run.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code vggstream model ...}: make, check and try models without Kafka. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Build, inspect and run VGG SavedModels without Kafka.",
        subcommands = {ModelBuildCommand.class, ModelInspectCommand.class, ModelPredictCommand.class,
                ModelTrainCommand.class})
final class ModelCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
