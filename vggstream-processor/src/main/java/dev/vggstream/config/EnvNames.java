package dev.vggstream.config;

import java.util.Locale;
import java.util.Set;

/** How environment variables name configuration keys. */
public final class EnvNames {

    /** Every variable that overrides a key starts with this. */
    public static final String PREFIX = "VGGSTREAM_";

    /**
     * Variables with the prefix that are not configuration keys: the launcher script, logging and tools read them.
     * Any other {@code VGGSTREAM_} variable that matches no key is an error, because a misspelt override would
     * otherwise be silently ignored.
     */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of(
            "VGGSTREAM_JAR", "VGGSTREAM_JAVA", "VGGSTREAM_JDK25", "VGGSTREAM_PROGRESS", "VGGSTREAM_LOG_LEVEL",
            "VGGSTREAM_CONFIG", "VGGSTREAM_HOME");

    /** Names the configuration file when no path is given explicitly. */
    public static final String CONFIG_FILE_VARIABLE = "VGGSTREAM_CONFIG";

    private EnvNames() {
    }

    /**
     * The form in which key names and variable names are compared: uppercase, with {@code .} and {@code -} as
     * {@code _}. Comparing normalised forms on both sides is what tells {@code batch.max-size} from a
     * hypothetical {@code batch.max.size} without guessing.
     */
    public static String normalise(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
