package dev.vggstream.run;

/** Process exit codes, documented in README. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job failed: bad input, unreadable model, failed images. */
    public static final int FAILED = 1;
    /** The command line was wrong. */
    public static final int USAGE = 2;
    /** Configuration was invalid (unknown key, wrong type). */
    public static final int CONFIG = 3;
    /** Could not reach or authenticate to Kafka. */
    public static final int KAFKA = 4;
    /** The requested device (GPU) is not available. */
    public static final int DEVICE = 5;

    private ExitCodes() {
    }
}
