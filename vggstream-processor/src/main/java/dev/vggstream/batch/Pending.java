package dev.vggstream.batch;

/**
 * An image waiting for inference.
 *
 * @param seq        the submitting task's sequence number, returned with the outcome
 * @param image      the encoded image, kept to prepare it again for a model of another input spec
 * @param pixels     the prepared model input for {@code spec}
 * @param receivedMs when the processor received the record (wall clock), the start of its queue time
 */
public record Pending(long seq, byte[] image, ImageSpec spec, float[] pixels, long receivedMs, Mailbox mailbox) {
}
