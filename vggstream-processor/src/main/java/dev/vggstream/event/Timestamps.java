package dev.vggstream.event;

import dev.vggstream.event.EventException.Reason;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Event timestamps in, ISO-8601 out. */
final class Timestamps {
    /** 9999-12-31T23:59:59.999Z: past it ISO-8601 needs a sign and more digits, which consumers choke on. */
    static final long MAX_MS = 253_402_300_799_999L;

    // fixed millisecond digits so output timestamps sort as text
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** {@code ms} if it is between 1970 and year 9999. {@code what} names the field or header for the message. */
    static long checked(long ms, String what) throws EventException {
        if (ms < 0 || ms > MAX_MS) {
            throw new EventException(Reason.BAD_TIMESTAMP, what + " is out of range: " + ms
                    + " (epoch milliseconds must be 0.." + MAX_MS + ", 1970 to 9999)");
        }
        return ms;
    }

    /**
     * Decimal epoch milliseconds, or an ISO-8601 instant with {@code Z} or an offset ({@code +01:00}). A local
     * time without an offset is refused: guessing its zone would silently shift the event.
     */
    static long parseText(String text, String what) throws EventException {
        String t = text.strip();
        if (isInteger(t)) {
            try {
                return checked(Long.parseLong(t), what);
            } catch (NumberFormatException e) {
                throw new EventException(Reason.BAD_TIMESTAMP, what + " is out of range: " + Texts.quote(t));
            }
        }
        try {
            return checked(Instant.parse(t).toEpochMilli(), what);
        } catch (DateTimeException | ArithmeticException e) {
            throw new EventException(Reason.BAD_TIMESTAMP, what + " must be ISO-8601 with a zone"
                    + " (e.g. 2026-11-27T20:00:00Z) or epoch milliseconds, got " + Texts.quote(t));
        }
    }

    /** {@code 2026-11-27T20:00:00.000Z}; outside 0000..9999 the JDK's own ISO form. */
    static String iso(long ms) {
        Instant i = Instant.ofEpochMilli(ms);
        return ms >= -62_167_219_200_000L && ms <= MAX_MS ? ISO_MILLIS.format(i) : i.toString();
    }

    private static boolean isInteger(String t) {
        int start = t.startsWith("-") ? 1 : 0;
        if (t.length() == start) {
            return false;
        }
        for (int i = start; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
