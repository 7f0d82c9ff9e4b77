package dev.vggstream.event;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Every header name the service reads or writes, and the two ways it reads them. */
public final class EventHeaders {

    /** Input: {@code application/json} selects the JSON encoding. Matched case-insensitively (HTTP habit). */
    public static final String CONTENT_TYPE = "content-type";

    /** Input (raw encoding): event id, UTF-8. */
    public static final String ID = "vggstream.id";
    /** Input (raw encoding): event source, UTF-8. */
    public static final String SOURCE = "vggstream.source";
    /** Input (raw encoding): epoch milliseconds or ISO-8601 text, UTF-8. */
    public static final String TIMESTAMP = "vggstream.timestamp";

    /** Dead letter: simple class name of the exception that refused the record. */
    public static final String ERROR_CLASS = "vggstream.error.class";
    /** Dead letter: the reason enum name, e.g. {@code BAD_BASE64}. */
    public static final String ERROR_REASON = "vggstream.error.reason";
    /** Dead letter: the human message, UTF-8, at most {@link DeadLetter#MAX_MESSAGE_BYTES} bytes. */
    public static final String ERROR_MESSAGE = "vggstream.error.message";
    /** Dead letter: {@link Stage#id()} of the stage that failed. */
    public static final String ERROR_STAGE = "vggstream.error.stage";
    /** Dead letter: where the original record was read from; partition and offset are decimal text. */
    public static final String SOURCE_TOPIC = "vggstream.source.topic";
    public static final String SOURCE_PARTITION = "vggstream.source.partition";
    public static final String SOURCE_OFFSET = "vggstream.source.offset";

    /** The headers {@link DeadLetter} owns: a record dead-lettered twice carries only the latest values. */
    public static final Set<String> DEAD_LETTER = Set.of(ERROR_CLASS, ERROR_REASON, ERROR_MESSAGE, ERROR_STAGE,
            SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET);

    private EventHeaders() {
    }

    /** The last header named exactly {@code key}, as UTF-8 text (malformed bytes become U+FFFD); null if absent. */
    public static String text(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The last {@code content-type} header, its name matched case-insensitively; null if absent. */
    public static String contentType(Headers headers) {
        String found = null;
        for (Header h : headers) {
            if (h.key().equalsIgnoreCase(CONTENT_TYPE) && h.value() != null) {
                found = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }
}
