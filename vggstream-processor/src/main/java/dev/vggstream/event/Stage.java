package dev.vggstream.event;

import java.util.Locale;

/** Where in the pipeline a record failed; the id is what the dead-letter header carries. */
public enum Stage {
    DECODE, PREPROCESS, INFERENCE;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** Lowercase id: {@code decode}, {@code preprocess}, {@code inference}. */
    public String id() {
        return id;
    }

    /** The stage with that id (case-insensitive). */
    public static Stage ofId(String id) {
        for (Stage s : values()) {
            if (s.id.equalsIgnoreCase(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + id + "' (expected decode, preprocess or inference)");
    }
}
