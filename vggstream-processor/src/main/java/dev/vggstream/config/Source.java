package dev.vggstream.config;

import java.util.Locale;

/** Where an effective value came from, lowest precedence first: each later source overrides the earlier ones. */
public enum Source {
    DEFAULT,
    FILE,
    ENV,
    /** {@link AppConfig#with(String, String)}: tests and command-line options. */
    OVERRIDE;

    /** The lowercase word shown in the effective configuration. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
