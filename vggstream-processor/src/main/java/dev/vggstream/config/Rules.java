package dev.vggstream.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Checks for values whose validity is more than a numeric range. */
final class Rules {

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    // Kafka Streams names its internal topics "<application.id>-<name>-changelog": leave room below Kafka's 249.
    private static final Pattern APPLICATION_ID = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    private static final Pattern DEVICE = Pattern.compile("auto|cpu|gpu|gpu:\\d{1,3}");
    private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z0-9_./-]{1,200}");
    private static final Pattern HOST_LABEL = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+(%[a-zA-Z0-9]+)?");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    static final String TOPIC_EXPECTED = "a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -, not '.' or '..')";
    static final String APPLICATION_ID_EXPECTED = "1 to 200 of a-z A-Z 0-9 . _ - (it prefixes internal topic names)";
    static final String DEVICE_EXPECTED = "auto, cpu, gpu or gpu:N (N the GPU index, e.g. gpu:0)";
    static final String SIGNATURE_EXPECTED = "a SavedModel signature name (letters, digits, _ . / -)";
    static final String BOOTSTRAP_EXPECTED = "a comma-separated list of host:port (IPv6 as [addr]:port)";

    private Rules() {
    }

    static boolean topic(String s) {
        return TOPIC.matcher(s).matches() && !s.equals(".") && !s.equals("..");
    }

    static boolean applicationId(String s) {
        return APPLICATION_ID.matcher(s).matches();
    }

    static boolean device(String s) {
        return DEVICE.matcher(s).matches();
    }

    static boolean signature(String s) {
        return SIGNATURE.matcher(s).matches();
    }

    static boolean host(String s) {
        if (s.indexOf(':') >= 0) {
            return ipv6(s);
        }
        // "300.1.1.1" is a valid host name by the letter of RFC 1123 but always an operator's typo for an address
        if (DOTTED_NUMBERS.matcher(s).matches()) {
            return IPV4.matcher(s).matches();
        }
        return hostName(s);
    }

    static boolean bootstrapServers(String s) {
        for (String entry : s.split(",", -1)) {
            if (!hostAndPort(entry.strip())) {
                return false;
            }
        }
        return true;
    }

    /** Parses a decimal number the way an operator writes one; Java's own syntax also admits "1d" and "0x1p3". */
    static double decimal(String s) {
        if (!PLAIN_DECIMAL.matcher(s).matches()) {
            throw new NumberFormatException(s);
        }
        return Double.parseDouble(s);
    }

    private static boolean hostAndPort(String entry) {
        int colon = entry.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        String host = entry.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                return false;
            }
        } else if (host.indexOf(':') >= 0) {
            return false;
        }
        return host(host) && port(entry.substring(colon + 1));
    }

    private static boolean port(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 1 && p <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean hostName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        for (String label : name.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean ipv6(String s) {
        if (!IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            // With a ':' the JDK parses the text as an IPv6 literal and never asks DNS.
            return InetAddress.getByName("[" + s + "]") != null;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
