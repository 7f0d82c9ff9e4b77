package dev.vggstream.topology;

import dev.vggstream.event.Stage;

/** Observes what the processor produced, for metrics. Called on stream threads; keep it cheap. */
public interface OutcomeListener {

    OutcomeListener NONE = new OutcomeListener() {
    };

    /** A result was forwarded; {@code endToEndMs} runs from the event's own timestamp. */
    default void classified(long endToEndMs, long totalMs) {
    }

    /** A dead letter was forwarded. */
    default void deadLettered(Stage stage, String reason) {
    }
}
