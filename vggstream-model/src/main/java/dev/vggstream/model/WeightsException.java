package dev.vggstream.model;

/** Weights that do not fit the network: missing, extra or mis-shaped arrays, or an unreadable file. */
public final class WeightsException extends Exception {
    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
