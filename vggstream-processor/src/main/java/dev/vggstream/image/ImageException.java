package dev.vggstream.image;

/**
 * An image that cannot be turned into model input. {@link Reason} says why in a word a dead letter can carry;
 * the message says it for a person.
 */
public final class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an image was refused. */
    public enum Reason {
        EMPTY, TOO_MANY_BYTES, TOO_MANY_PIXELS, UNSUPPORTED_FORMAT, CORRUPT, TRUNCATED, TOO_SMALL, TIMEOUT
    }

    private final Reason reason;

    public ImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
