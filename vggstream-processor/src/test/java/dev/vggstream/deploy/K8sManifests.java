package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.vggstream.config.AppConfig;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/** One kustomize overlay of deploy/k8s, rendered by {@code kubectl kustomize} as it would be applied. */
final class K8sManifests {

    /** The env variable that gives each pod its static group membership id. */
    static final String GROUP_INSTANCE_ID_VARIABLE = "VGGSTREAM_KAFKA_GROUP_INSTANCE_ID";
    /** Where the processor reads config/application.properties from: its working directory is /app. */
    static final String CONFIG_DIR = "/app/config";
    static final String CONFIG_FILE = "application.properties";

    private final String overlay;
    private final List<JsonNode> resources;

    private K8sManifests(String overlay, List<JsonNode> resources) {
        this.overlay = overlay;
        this.resources = resources;
    }

    // kubectl takes most of a second per overlay; the files do not change while the tests run
    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    /** Renders {@code deploy/k8s/overlays/<overlay>}; skips the test where kubectl is not installed. */
    static K8sManifests render(String overlay) {
        String yaml = RENDERED.computeIfAbsent(overlay, o -> Tools.ok(List.of("kubectl", "kustomize",
                DeployFiles.K8S.resolve("overlays").resolve(o).toString())));
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = DeployFiles.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new K8sManifests(overlay, docs);
    }

    String overlay() {
        return overlay;
    }

    List<JsonNode> all(String kind) {
        return resources.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
    }

    /** The only resource of {@code kind}; fails if there is none or several. */
    JsonNode one(String kind) {
        List<JsonNode> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError(overlay + ": expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    JsonNode named(String kind, String name) {
        return all(kind).stream().filter(r -> name.equals(r.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
    }

    JsonNode statefulSet() {
        return one("StatefulSet");
    }

    JsonNode podSpec() {
        return statefulSet().path("spec").path("template").path("spec");
    }

    Map<String, String> podLabels() {
        return strings(statefulSet().path("spec").path("template").path("metadata").path("labels"));
    }

    /** The processor container (the pod's only one). */
    JsonNode processor() {
        JsonNode containers = podSpec().path("containers");
        if (containers.size() != 1 || !"processor".equals(containers.get(0).path("name").asText())) {
            throw new AssertionError(overlay + ": expected the one container \"processor\", found " + containers);
        }
        return containers.get(0);
    }

    /** The container's environment entries by name: each a {@code value} or a {@code valueFrom}. */
    Map<String, JsonNode> envEntries() {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        for (JsonNode e : processor().path("env")) {
            if (env.put(e.path("name").asText(), e) != null) {
                throw new AssertionError(overlay + ": variable " + e.path("name").asText() + " is set twice");
            }
        }
        return env;
    }

    /**
     * The environment as the processor sees it: literal values as written, values from the downward API or a Secret
     * as {@code stand-ins} give them (a pod name, a JAAS line).
     */
    Map<String, String> environment(Map<String, String> standIns) {
        Map<String, String> env = new LinkedHashMap<>();
        envEntries().forEach((name, e) -> {
            if (e.has("value")) {
                env.put(name, e.path("value").asText());
            } else if (standIns.containsKey(name)) {
                env.put(name, standIns.get(name));
            } else {
                throw new AssertionError(overlay + ": no stand-in for " + name + " = " + e.path("valueFrom"));
            }
        });
        return env;
    }

    /** The ConfigMap the StatefulSet mounts at /app/config (by its generated, hash-suffixed name). */
    JsonNode configMap() {
        String volume = null;
        for (JsonNode m : processor().path("volumeMounts")) {
            if (CONFIG_DIR.equals(m.path("mountPath").asText())) {
                volume = m.path("name").asText();
            }
        }
        String name = volumeSource(volume).path("configMap").path("name").asText();
        return named("ConfigMap", name);
    }

    /** The ConfigMap's application.properties. */
    Properties properties() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(configMap().path("data").path(CONFIG_FILE).asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The configuration a pod named {@code podName} runs with, validated as the processor validates it. */
    AppConfig config(String podName) {
        return AppConfig.fromProperties(properties(), environment(Map.of(
                GROUP_INSTANCE_ID_VARIABLE, podName,
                "VGGSTREAM_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";")));
    }

    JsonNode volumeSource(String volumeName) {
        for (JsonNode v : podSpec().path("volumes")) {
            if (v.path("name").asText().equals(volumeName)) {
                return v;
            }
        }
        throw new AssertionError(overlay + ": no volume " + volumeName);
    }

    JsonNode volumeMount(String mountPath) {
        for (JsonNode m : processor().path("volumeMounts")) {
            if (mountPath.equals(m.path("mountPath").asText())) {
                return m;
            }
        }
        throw new AssertionError(overlay + ": nothing mounted at " + mountPath);
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }
}
