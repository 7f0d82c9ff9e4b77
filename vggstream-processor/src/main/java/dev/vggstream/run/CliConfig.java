package dev.vggstream.run;

import dev.vggstream.config.AppConfig;
import dev.vggstream.config.ConfigException;

import java.nio.file.Path;

/** The configuration a command runs with: {@code file} (or the default) under the environment, or exit code 3. */
public final class CliConfig {

    private CliConfig() {
    }

    public static AppConfig load(Path file) {
        try {
            return AppConfig.load(file, System.getenv());
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.CONFIG, "configuration: " + e.getMessage(), e);
        }
    }
}
