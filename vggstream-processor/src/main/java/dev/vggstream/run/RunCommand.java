package dev.vggstream.run;

import dev.vggstream.config.AppConfig;
import dev.vggstream.config.ConfigException;
import dev.vggstream.inference.ModelException;
import dev.vggstream.metrics.Observability;
import dev.vggstream.service.Health;
import dev.vggstream.service.KafkaAccessException;
import dev.vggstream.service.VggService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vggstream run}: the processor, against any Kafka cluster, until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the streaming processor against a Kafka cluster (stop with SIGTERM or Ctrl-C).")
public final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", description = "Properties file (default: $VGGSTREAM_CONFIG, else "
            + "config/application.properties if present); environment variables VGGSTREAM_* override it")
    Path config;

    @CommandLine.Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() throws Exception {
        AppConfig c = CliConfig.load(config);
        Health health = new Health();
        Observability observability;
        try {
            observability = Observability.start(c.http(), health);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot serve HTTP on " + c.httpHost() + ":" + c.httpPort()
                    + ": " + e.getMessage(), e);
        }
        VggService service;
        try {
            service = VggService.start(c, health, observability.listeners());
            observability.attach(service.streams());
        } catch (KafkaAccessException e) {
            throw new CliException(ExitCodes.KAFKA, e.getMessage(), e);
        } catch (ConfigException e) {
            // kafka.* settings that only Kafka's own clients can judge, e.g. a malformed sasl.jaas.config
            throw new CliException(ExitCodes.CONFIG, "configuration: " + e.getMessage(), e);
        } catch (ModelException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
        } catch (dev.vggstream.inference.Devices.DeviceUnavailableException e) {
            throw new CliException(ExitCodes.DEVICE, e.getMessage(), e);
        } finally {
            // a failed start frees the port: the command may run inside a longer-lived JVM (tests)
            observability.closeUnlessAttached();
        }
        Thread hook = new Thread(() -> {
            service.close();
            observability.close();
        }, "vggstream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.awaitStop();
        Throwable fatal = service.fatal();
        if (fatal != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                service.close();
                observability.close();
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping; the hook closes the service
            }
            int code = fatal instanceof org.apache.kafka.common.errors.AuthenticationException
                    || fatal instanceof org.apache.kafka.common.errors.AuthorizationException
                    ? ExitCodes.KAFKA : ExitCodes.FAILED;
            throw new CliException(code, "stopped: " + fatal.getMessage(), fatal);
        }
        log.info("processor stopped");
        return ExitCodes.OK;
    }
}
