package dev.vggstream.event;

/** Quoting untrusted text and bytes into error messages without letting them flood or break a log line. */
final class Texts {
    static final int QUOTE_LIMIT = 64;
    private static final int PREVIEW_BYTES = 8;

    private Texts() {
    }

    /** {@code 'text'}, cut to {@link #QUOTE_LIMIT} characters, control characters shown as {@code \\uXXXX}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), QUOTE_LIMIT) + 8).append('\'');
        int n = Math.min(s.length(), QUOTE_LIMIT);
        for (int i = 0; i < n; i++) {
            appendVisible(b, s.charAt(i));
        }
        return b.append(s.length() > n ? "...'" : "'").toString();
    }

    /** One character as a reader should see it: {@code 'x'}, or {@code U+0000} for the invisible ones. */
    static String character(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    /** First bytes as hex and as ASCII, so "PK.." (zip) or "%PDF" stands out in a dead letter. */
    static String preview(byte[] b) {
        int n = Math.min(b.length, PREVIEW_BYTES);
        StringBuilder hex = new StringBuilder(n * 3);
        StringBuilder ascii = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int v = b[i] & 0xff;
            hex.append(i == 0 ? "" : " ").append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16));
            ascii.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
        }
        return hex + " \"" + ascii + "\"" + (b.length > n ? "..." : "");
    }

    private static void appendVisible(StringBuilder b, char c) {
        if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04x", (int) c));
        } else {
            b.append(c);
        }
    }
}
