package dev.vggstream.run;

import dev.vggstream.inference.NativeMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * The processor jar's entry point (the Docker image's): {@code java -jar vggstream-processor.jar run}. It knows
 * only {@code run}; the other commands (model, bench, broker, demo ...) are in the tools jar that ./vggstream runs.
 */
@Command(name = "vggstream", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Classify images streaming through Kafka with a VGG TensorFlow model.",
        subcommands = {RunCommand.class, CommandLine.HelpCommand.class})
public final class ProcessorMain implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        NativeMemory.configure();
        System.exit(OneLineErrors.configure(new CommandLine(new ProcessorMain())).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
