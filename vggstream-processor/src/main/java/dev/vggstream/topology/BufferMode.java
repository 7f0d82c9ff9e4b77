package dev.vggstream.topology;

import java.util.Locale;

/** What the changelogged buffer keeps of a waiting record; see {@link BufferedRecord}. */
public enum BufferMode {
    /** Topic, partition and offset only; the record is read back from the input topic after a crash. */
    REFERENCE,
    /** The whole record: costs the image's size again in changelog bytes, but needs no input retention. */
    COPY;

    public static BufferMode parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
