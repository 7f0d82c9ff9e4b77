package dev.vggstream.inference;

/** A model that cannot be loaded or served, with a message that says what was found. */
public final class ModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
