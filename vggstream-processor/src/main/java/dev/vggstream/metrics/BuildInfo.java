package dev.vggstream.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build: Maven writes it into {@code vggstream-build.properties} when it copies the resources,
 * so it is right in the jar, in the Docker image and when run from the IDE or the test classpath alike (a jar
 * manifest's Implementation-Version exists only in the packaged jar).
 */
public final class BuildInfo {

    static final String RESOURCE = "/vggstream-build.properties";
    private static final String VERSION = read();

    private BuildInfo() {
    }

    public static String version() {
        return VERSION;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = p.getProperty("version", "");
        if (v.isBlank() || v.startsWith("${")) {
            v = BuildInfo.class.getPackage().getImplementationVersion();
        }
        return v == null || v.isBlank() ? "unknown" : v;
    }
}
