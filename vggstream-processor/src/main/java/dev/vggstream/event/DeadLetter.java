package dev.vggstream.event;

import dev.vggstream.image.ImageException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Headers for a dead-letter record: the original record's headers (copied, in order) plus why and where it failed.
 * The dead-letter record keeps the original key, value and timestamp, so it can be replayed as it was.
 *
 * <p>{@code vggstream.error.class} is the simple class name of the exception (which layer refused the record:
 * {@code EventException}, {@code ImageException}, {@code ModelException}, or an unexpected one);
 * {@code vggstream.error.reason} is its reason code ({@code BAD_BASE64}, {@code TRUNCATED}, ...) or
 * {@value #UNEXPECTED} when the exception has none. Both are stable words for alerting; the message is for people.
 */
public final class DeadLetter {
    /** Enough for any message this service writes; bounds what a runaway message costs per record. */
    public static final int MAX_MESSAGE_BYTES = 1024;
    /** The reason of an exception that carries none: a bug or an outage rather than a bad record. */
    public static final String UNEXPECTED = "UNEXPECTED";
    private static final String ELLIPSIS = "...";

    private DeadLetter() {
    }

    /** Headers for {@code failed}, refused at {@code stage} by {@code error}. */
    public static Headers headers(InputRecord failed, Stage stage, Throwable error) {
        return headers(failed, stage, errorClass(error), reasonOf(error), error.getMessage());
    }

    /** Headers with an explicit class and reason, for failures that are not an exception (e.g. a timeout). */
    public static Headers headers(InputRecord failed, Stage stage, String errorClass, String reason,
                                  String message) {
        Objects.requireNonNull(stage, "stage");
        RecordHeaders out = new RecordHeaders();
        for (Header h : failed.headers()) {
            // a record dead-lettered before (and replayed) must not carry two answers to "why"
            if (!EventHeaders.DEAD_LETTER.contains(h.key())) {
                out.add(new RecordHeader(h.key(), h.value() == null ? null : h.value().clone()));
            }
        }
        add(out, EventHeaders.ERROR_CLASS, errorClass);
        add(out, EventHeaders.ERROR_REASON, reason);
        out.add(EventHeaders.ERROR_MESSAGE, truncatedUtf8(message == null ? "" : message, MAX_MESSAGE_BYTES));
        add(out, EventHeaders.ERROR_STAGE, stage.id());
        add(out, EventHeaders.SOURCE_TOPIC, failed.topic());
        add(out, EventHeaders.SOURCE_PARTITION, Integer.toString(failed.partition()));
        add(out, EventHeaders.SOURCE_OFFSET, Long.toString(failed.offset()));
        return out;
    }

    /** The reason code {@code error} carries, {@value #UNEXPECTED} if it carries none. */
    public static String reasonOf(Throwable error) {
        if (error instanceof EventException e) {
            return e.reason().name();
        }
        if (error instanceof ImageException e) {
            return e.reason().name();
        }
        return UNEXPECTED;
    }

    private static String errorClass(Throwable error) {
        String simple = error.getClass().getSimpleName();
        return simple.isEmpty() ? error.getClass().getName() : simple; // anonymous classes have no simple name
    }

    private static void add(Headers headers, String key, String value) {
        // String.valueOf: writing a dead letter is the last resort and must not fail over a missing detail
        headers.add(key, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }

    /** At most {@code maxBytes} of UTF-8, cut between characters, never inside one; "..." marks a cut. */
    static byte[] truncatedUtf8(String s, int maxBytes) {
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        if (all.length <= maxBytes) {
            return all;
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(maxBytes);
        out.limit(maxBytes - ELLIPSIS.length());
        encoder.encode(CharBuffer.wrap(s), out, true); // stops at the last whole character that fits
        out.limit(maxBytes);
        out.put(ELLIPSIS.getBytes(StandardCharsets.US_ASCII));
        byte[] result = new byte[out.position()];
        out.flip().get(result);
        return result;
    }
}
