package dev.vggstream.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's files, shipped as classpath resources under {@code demo/}: a small Fashion-MNIST VGG trained by
 * {@code model train} ({@code model/}: saved_model.pb, variables/, assets.extra/) and Fashion-MNIST test images
 * ({@code samples/}, with {@code samples/labels.csv} giving each file's true label). {@code demo/index.txt}
 * lists every file, one path relative to {@code demo/} a line, so a jar can be unpacked without listing it.
 */
public final class DemoAssets {

    /** The resource folder. */
    public static final String ROOT = "demo/";
    /** The list of files, relative to {@link #ROOT}. */
    public static final String INDEX = ROOT + "index.txt";
    public static final String MODEL_DIR = "model";
    public static final String SAMPLES_DIR = "samples";
    public static final String SAMPLE_LABELS = "labels.csv";

    private DemoAssets() {
    }

    /** The paths listed in {@code demo/index.txt}, relative to {@code demo/}. */
    public static List<String> index() throws IOException {
        try (InputStream in = resource(INDEX)) {
            List<String> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String p = line.strip();
                if (p.isEmpty() || p.startsWith("#")) {
                    continue;
                }
                if (p.startsWith("/") || p.contains("\\") || List.of(p.split("/")).contains("..")) {
                    throw new IOException(INDEX + " lists a path outside demo/: " + p);
                }
                out.add(p);
            }
            return out;
        }
    }

    /**
     * Copies every file of the index from the classpath to {@code targetDir} (created if needed; files already
     * there are replaced) and returns it: the model is then at {@code targetDir/model}, the samples at
     * {@code targetDir/samples}.
     */
    public static Path extract(Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        for (String p : index()) {
            Path dst = targetDir.resolve(p).normalize();
            if (!dst.startsWith(targetDir.normalize())) {
                throw new IOException(INDEX + " lists a path outside the target: " + p);
            }
            Files.createDirectories(dst.getParent());
            try (InputStream in = resource(ROOT + p)) {
                Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return targetDir;
    }

    /**
     * File name to true label, from {@code samplesDir/labels.csv} (a {@code file,label} header, then one line per
     * sample; a label may contain commas only inside double quotes), in file order.
     */
    public static Map<String, String> sampleLabels(Path samplesDir) throws IOException {
        Path csv = samplesDir.resolve(SAMPLE_LABELS);
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.equalsIgnoreCase("file,label"))) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma <= 0) {
                throw new IOException(csv + " line " + (i + 1) + " is not 'file,label': " + line);
            }
            String label = line.substring(comma + 1).strip();
            if (label.length() >= 2 && label.startsWith("\"") && label.endsWith("\"")) {
                label = label.substring(1, label.length() - 1).replace("\"\"", "\"");
            }
            out.put(line.substring(0, comma).strip(), label);
        }
        return out;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DemoAssets.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " is not on the classpath");
        }
        return in;
    }
}
