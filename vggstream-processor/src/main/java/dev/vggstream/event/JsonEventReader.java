package dev.vggstream.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.vggstream.event.EventException.Reason;
import dev.vggstream.image.ImageFormat;

import java.io.IOException;
import java.util.List;

/**
 * Reads the top-level fields of one JSON event with Jackson's streaming parser: no tree, no data binding, so a
 * payload can only ever be data (nothing here resolves types, classes, files or URLs). Holds one parse's state:
 * one instance per record.
 *
 * <p>Fields: {@code id}, {@code source}, {@code contentType} (strings), {@code timestamp} (string or integer),
 * {@code data} (base64 string). A known field that is JSON null or an empty string counts as absent (except
 * {@code data}, which is then missing). A known field given twice is refused: readers that keep the first and
 * readers that keep the last would see different events. Unknown fields are skipped unread, within the nesting
 * limit.
 */
final class JsonEventReader {

    /** What the body said; null where it said nothing. */
    record Fields(String id, String source, Long timestampMs, ImageFormat declaredFormat, byte[] data) {
    }

    private static final String DATA = "data";
    private static final String TIMESTAMP = "timestamp";
    /** Bit {@code i} of {@link #seen} is field {@code i}. */
    private static final List<String> KNOWN = List.of("id", "source", TIMESTAMP, "contentType", DATA);
    /** A JSON escape ({@code \\uXXXX}) spends at most 6 bytes on one character. */
    private static final int MAX_BYTES_PER_CHAR = 6;

    private final JsonFactory factory;
    private final EventLimits limits;
    private final byte[] json;
    private JsonParser p;
    /** The top-level field whose value is being read, and the one read last: error messages name them. */
    private String field;
    private String after;
    private int seen;

    private String id;
    private String source;
    private Long timestampMs;
    private ImageFormat declaredFormat;
    private byte[] data;

    private JsonEventReader(JsonFactory factory, EventLimits limits, byte[] json) {
        this.factory = factory;
        this.limits = limits;
        this.json = json;
    }

    static Fields read(JsonFactory factory, EventLimits limits, byte[] json) throws EventException {
        return new JsonEventReader(factory, limits, json).read();
    }

    private Fields read() throws EventException {
        try (JsonParser parser = factory.createParser(json)) {
            p = parser;
            readObject();
        } catch (IOException e) {
            throw translate(e);
        }
        if (data == null) {
            throw new EventException(Reason.MISSING_DATA, "field 'data' is missing");
        }
        return new Fields(id, source, timestampMs, declaredFormat, data);
    }

    private void readObject() throws IOException, EventException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw new EventException(Reason.BAD_JSON, "expected a JSON object, got " + typeName(t));
        }
        t = p.nextToken();
        while (t == JsonToken.FIELD_NAME) {
            field = p.currentName();
            markSeen();
            p.nextToken();
            boolean advanced = readValue();
            after = field;
            field = null;
            t = advanced ? p.currentToken() : p.nextToken();
        }
        if (t != JsonToken.END_OBJECT) { // Jackson refuses anything else first; this keeps the loop honest
            throw new EventException(Reason.BAD_JSON, "malformed JSON object" + where());
        }
        if (p.nextToken() != null) {
            throw new EventException(Reason.BAD_JSON, "content after the JSON object" + at(p.currentTokenLocation()
                    .getByteOffset()));
        }
    }

    private void markSeen() throws EventException {
        int i = KNOWN.indexOf(field);
        if (i < 0) {
            return;
        }
        if ((seen & 1 << i) != 0) {
            throw new EventException(Reason.DUPLICATE_FIELD, fieldRef() + " appears more than once");
        }
        seen |= 1 << i;
    }

    /** Reads the current field's value; true if that already moved the parser to the next token. */
    private boolean readValue() throws IOException, EventException {
        switch (field) {
            case "id" -> id = optionalText();
            case "source" -> source = optionalText();
            case TIMESTAMP -> timestampMs = readTimestamp();
            case "contentType" -> declaredFormat = readContentType();
            case DATA -> {
                return readData();
            }
            // scalars: no-op, and an unread string is skipped without being buffered by the next nextToken()
            default -> p.skipChildren();
        }
        return false;
    }

    private String optionalText() throws IOException, EventException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw wrongType("a string");
        }
        String s = boundedText();
        return s.isEmpty() ? null : s;
    }

    private Long readTimestamp() throws IOException, EventException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new EventException(Reason.BAD_TIMESTAMP, fieldRef() + " is out of range: "
                            + Texts.quote(p.getText()));
                }
                return Timestamps.checked(p.getLongValue(), fieldRef());
            case VALUE_NUMBER_FLOAT:
                throw new EventException(Reason.BAD_TIMESTAMP, fieldRef() + " must be whole epoch milliseconds, got "
                        + Texts.quote(p.getText()));
            case VALUE_STRING:
                String s = boundedText();
                return s.isEmpty() ? null : Timestamps.parseText(s, fieldRef());
            default:
                throw wrongType("an ISO-8601 string or epoch milliseconds");
        }
    }

    private ImageFormat readContentType() throws IOException, EventException {
        String s = optionalText();
        if (s == null) {
            return null;
        }
        ImageFormat f = ImageFormat.ofMediaType(s);
        if (!f.decodable()) {
            throw new EventException(Reason.UNKNOWN_CONTENT_TYPE, "unknown contentType " + Texts.quote(s)
                    + " (expected image/jpeg or image/png)");
        }
        return f;
    }

    /**
     * Decodes {@code data}. The fast way lets Jackson skip the string (no char buffer, no String) and hands the
     * document's own bytes to the JDK decoder, about three times quicker than {@code getText()} then decoding.
     * It needs the string's byte span, which the token locations give; when they cannot (a non-UTF-8 document)
     * or the span is not plain base64, Jackson unescapes it and {@link Base64Data#decode} takes over.
     */
    private boolean readData() throws IOException, EventException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            throw new EventException(Reason.MISSING_DATA, "field 'data' is null");
        }
        if (t != JsonToken.VALUE_STRING) {
            throw wrongType("a base64 string");
        }
        int open = stringOffset();
        if (open < 0) {
            data = checkedImage(Base64Data.decode(p.getText()));
            return false;
        }
        p.nextToken();
        int close = closingQuote(open);
        byte[] fast = close > open ? Base64Data.tryDecode(json, open + 1, close) : null;
        data = checkedImage(fast != null ? fast : Base64Data.decode(textAt(open)));
        return true;
    }

    private byte[] checkedImage(byte[] bytes) throws EventException {
        if (bytes.length == 0) {
            throw new EventException(Reason.MISSING_DATA, "field 'data' is empty");
        }
        if (bytes.length > limits.maxImageBytes()) {
            throw new EventException(Reason.TOO_LARGE, "field 'data' decodes to " + bytes.length
                    + " bytes, more than the " + limits.maxImageBytes() + "-byte image limit");
        }
        return bytes;
    }

    /**
     * The current string's text, at most {@code maxStringLength} characters. Its end is looked for in the raw
     * bytes first, so a 10 MB {@code id} is refused after reading a few KB instead of being buffered whole.
     */
    private String boundedText() throws IOException, EventException {
        int max = limits.maxStringLength();
        int open = stringOffset();
        if (open >= 0 && !closesWithin(open, max * MAX_BYTES_PER_CHAR)) {
            throw tooLong();
        }
        String s = p.getText();
        if (s.length() > max) {
            throw tooLong();
        }
        return s;
    }

    /** Whether the string opening at {@code open} ends within {@code maxBytes}; a cut-off document counts as yes. */
    private boolean closesWithin(int open, int maxBytes) {
        int end = (int) Math.min(json.length, open + 2L + maxBytes);
        for (int i = open + 1; i < end; i++) {
            if (json[i] == '\\') {
                i++;
            } else if (json[i] == '"') {
                return true;
            }
        }
        return end == json.length; // truncated: Jackson says so better than "too long" would
    }

    /** Byte offset of the current string token's opening quote, or -1 if the parser cannot say. */
    private int stringOffset() {
        long off = p.currentTokenLocation().getByteOffset();
        return off >= 0 && off < json.length && json[(int) off] == '"' ? (int) off : -1;
    }

    /**
     * After a string was skipped, its closing quote: walking back from the next token over whitespace and, before
     * a field name, the one comma JSON allows there. -1 if the layout is not that (then the slow path decides).
     */
    private int closingQuote(int open) {
        long next = p.currentTokenLocation().getByteOffset();
        if (next <= open || next > json.length) {
            return -1;
        }
        int i = skipSpaceBack((int) next - 1, open);
        if (p.currentToken() == JsonToken.FIELD_NAME) {
            if (i <= open || json[i] != ',') {
                return -1;
            }
            i = skipSpaceBack(i - 1, open);
        }
        return i > open && json[i] == '"' ? i : -1;
    }

    private int skipSpaceBack(int i, int floor) {
        while (i > floor && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) {
            i--;
        }
        return i;
    }

    /** The unescaped text of the string at {@code open}, read by a parser of its own (the main one has moved on). */
    private String textAt(int open) throws IOException {
        try (JsonParser sub = factory.createParser(json, open, json.length - open)) {
            sub.nextToken();
            return sub.getText();
        }
    }

    private EventException translate(IOException e) {
        blameFieldTheParserIsIn();
        if (e instanceof StreamConstraintsException c) {
            return constraint(c);
        }
        if (e instanceof JsonEOFException || e instanceof JsonProcessingException j
                && String.valueOf(j.getOriginalMessage()).startsWith("Unexpected end-of-input")) {
            return new EventException(Reason.BAD_JSON, "JSON ends early (truncated?)" + where(), e);
        }
        if (e instanceof JsonProcessingException j) {
            long off = j.getLocation() == null ? -1 : j.getLocation().getByteOffset();
            return new EventException(Reason.BAD_JSON, "malformed JSON" + where() + at(off) + ": "
                    + j.getOriginalMessage(), e);
        }
        return new EventException(Reason.BAD_JSON, "unreadable JSON" + where() + ": " + e.getMessage(), e);
    }

    /**
     * Points {@link #field} at the top-level field the parser was really in. Jackson reads a field's name and the
     * start of its value in one step, and the fast {@code data} path reads the next name while skipping, so an
     * error can come from a field {@link #readObject} has not reached yet; the parser's context knows which.
     */
    private void blameFieldTheParserIsIn() {
        String name = topLevelName();
        if (name == null || name.equals(field) || field == null && name.equals(after)) {
            return;
        }
        field = name;
    }

    private String topLevelName() {
        JsonStreamContext ctx = p == null ? null : p.getParsingContext();
        while (ctx != null && ctx.getParent() != null && !ctx.getParent().inRoot()) {
            ctx = ctx.getParent();
        }
        return ctx != null && ctx.inObject() ? ctx.getCurrentName() : null;
    }

    /** Jackson reports which limit tripped only in its message text; tests pin these prefixes. */
    private EventException constraint(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.startsWith("Document nesting depth")) {
            return new EventException(Reason.TOO_DEEP, "JSON nested deeper than " + limits.maxNestingDepth()
                    + " levels" + where(), e);
        }
        if (m.startsWith("Document length")) {
            return new EventException(Reason.TOO_LARGE, "JSON document is over the " + limits.maxJsonBytes()
                    + "-byte limit", e);
        }
        if (m.startsWith("String value length") && DATA.equals(field)) {
            return new EventException(Reason.TOO_LARGE, "field 'data' is longer than " + limits.maxDataChars()
                    + " characters (images are limited to " + limits.maxImageBytes() + " bytes)", e);
        }
        if (m.startsWith("String value length") && field != null) {
            return tooLong();
        }
        if (m.startsWith("Name length")) {
            return new EventException(Reason.FIELD_TOO_LONG, "a field name" + where() + " is longer than "
                    + limits.maxStringLength() + " characters", e);
        }
        if (m.startsWith("Number value length") && TIMESTAMP.equals(field)) {
            return new EventException(Reason.BAD_TIMESTAMP, "field 'timestamp' is out of range", e);
        }
        if (m.startsWith("Number value length")) {
            return new EventException(Reason.FIELD_TOO_LONG, "a number" + where() + " has too many digits", e);
        }
        return new EventException(Reason.BAD_JSON, "JSON refused" + where() + ": " + m, e);
    }

    private EventException tooLong() {
        return new EventException(Reason.FIELD_TOO_LONG, fieldRef() + " is longer than " + limits.maxStringLength()
                + " characters");
    }

    private EventException wrongType(String expected) {
        return new EventException(Reason.WRONG_TYPE, fieldRef() + " must be " + expected + ", got "
                + typeName(p.currentToken()));
    }

    private String fieldRef() {
        return "field " + Texts.quote(field);
    }

    private String where() {
        if (field != null) {
            return " in field " + Texts.quote(field);
        }
        return after != null ? " after field " + Texts.quote(after) : "";
    }

    private static String at(long byteOffset) {
        return byteOffset >= 0 ? " at byte " + byteOffset : "";
    }

    private static String typeName(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }
}
