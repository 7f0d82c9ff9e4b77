package dev.vggstream.event;

import dev.vggstream.event.EventException.Reason;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code data} field's base64. Accepted: the standard alphabet or the URL-safe one (not mixed), with or without
 * {@code =} padding, with CR/LF line breaks (MIME encoders) anywhere. Nothing else is skipped: the JDK's MIME
 * decoder would ignore every non-alphabet character and turn text like {@code file:///etc/passwd} into bytes.
 */
final class Base64Data {
    private static final Base64.Decoder STANDARD = Base64.getDecoder();
    private static final Base64.Decoder URL_SAFE = Base64.getUrlDecoder();

    private Base64Data() {
    }

    /**
     * The common case, decoded straight from the JSON document's bytes with no String in between; null when the
     * span is anything but plain standard base64 (escapes, line breaks, URL-safe, garbage), which {@link #decode}
     * then handles or explains.
     */
    static byte[] tryDecode(byte[] src, int from, int to) {
        try {
            ByteBuffer out = STANDARD.decode(ByteBuffer.wrap(src, from, to - from));
            byte[] a = out.array();
            return out.arrayOffset() == 0 && out.position() == 0 && out.remaining() == a.length ? a
                    : Arrays.copyOfRange(a, out.arrayOffset() + out.position(), out.arrayOffset() + out.limit());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Any accepted form; {@code BAD_BASE64} naming the first offending character otherwise. */
    static byte[] decode(String text) throws EventException {
        String s = withoutLineBreaks(text);
        try {
            return (isUrlSafe(s) ? URL_SAFE : STANDARD).decode(s);
        } catch (IllegalArgumentException e) {
            throw new EventException(Reason.BAD_BASE64, diagnose(text, e));
        }
    }

    /**
     * Says where {@code text} stops being base64. Positions are 0-based indexes into the string value (after JSON
     * unescaping), counting line breaks, so they match what the producer put in the field.
     */
    static String diagnose(String text, IllegalArgumentException jdk) {
        String head = "invalid base64 in 'data'";
        boolean urlSafe = isUrlSafe(text);
        int chars = 0;
        int padding = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == '=') {
                if (++padding > 2) {
                    return head + " at character " + i + ": more than two '=' padding characters";
                }
                continue;
            }
            if (padding > 0) {
                return head + " at character " + i + ": " + Texts.character(c) + " after '=' padding";
            }
            if (!inAlphabet(c, urlSafe)) {
                return head + " at character " + i + " (" + Texts.character(c) + ")"
                        + (inAlphabet(c, !urlSafe) ? ": mixes the standard and URL-safe alphabets" : "");
            }
            chars++;
        }
        if (chars % 4 == 1) {
            return head + ": " + chars + " characters leave one dangling character at the end (truncated?)";
        }
        if (padding > 0 && (chars + padding) % 4 != 0) {
            return head + ": wrong '=' padding at the end";
        }
        return head + ": " + jdk.getMessage();
    }

    /** URL-safe if its first alphabet-specific character is: that is what the encoder chose. */
    private static boolean isUrlSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-' || c == '_') {
                return true;
            }
            if (c == '+' || c == '/') {
                return false;
            }
        }
        return false;
    }

    private static boolean inAlphabet(char c, boolean urlSafe) {
        if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
            return true;
        }
        return urlSafe ? c == '-' || c == '_' : c == '+' || c == '/';
    }

    private static String withoutLineBreaks(String s) {
        if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\r' && c != '\n') {
                b.append(c);
            }
        }
        return b.toString();
    }
}
