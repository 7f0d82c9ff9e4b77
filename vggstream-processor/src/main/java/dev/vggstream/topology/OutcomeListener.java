package dev.vggstream.topology;

import dev.vggstream.event.Classification;
import dev.vggstream.event.InputRecord;
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

    /** The result just forwarded, and the encoded image it is about (not copied: read, never modify). */
    default void result(Classification result, byte[] image) {
    }

    /** The dead letter just forwarded: which record, and why ({@code error}'s message is for people). */
    default void deadLetter(InputRecord failed, Stage stage, String reason, Throwable error) {
    }
}
