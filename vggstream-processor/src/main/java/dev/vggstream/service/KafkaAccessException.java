package dev.vggstream.service;

/** Kafka cannot be reached, or refuses our credentials: a reason to stop with a clear message. */
public final class KafkaAccessException extends Exception {
    private static final long serialVersionUID = 1L;

    public KafkaAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
