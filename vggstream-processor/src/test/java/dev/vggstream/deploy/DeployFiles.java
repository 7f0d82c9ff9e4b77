package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The deployment files of the repository, read as the tools that use them would. */
public final class DeployFiles {

    public static final Path COMPOSE = Path.of("docker-compose.yml");
    public static final Path DOCKERFILE = Path.of("Dockerfile");
    public static final Path DOCKERIGNORE = Path.of(".dockerignore");
    public static final Path PROMETHEUS = Path.of("config", "prometheus.yml");
    public static final Path GRAFANA = Path.of("config", "grafana");
    public static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
    public static final Path APPLICATION_PROPERTIES = Path.of("config", "application.properties");
    public static final Path K8S = Path.of("deploy", "k8s");
    public static final Path ALERTS = Path.of("deploy", "prometheus", "alerts.yml");
    public static final Path ALERTS_TEST = Path.of("deploy", "prometheus", "alerts_test.yml");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {
    }

    public static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML text (one document) as a tree. */
    public static JsonNode yamlText(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode composeService(String name) {
        JsonNode s = yaml(COMPOSE).path("services").path(name);
        if (s.isMissingNode()) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return s;
    }

    /** A service's environment, whether written as a mapping or as a list of NAME=value. */
    public static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        } else if (e.isArray()) {
            e.forEach(item -> {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        }
        return env;
    }

    /** Every PromQL expression of every dashboard JSON under config/grafana/dashboards, panels and variables. */
    public static List<String> dashboardExpressions() {
        List<String> exprs = new ArrayList<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                collectExpressions(json(f), exprs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exprs;
    }

    private static void collectExpressions(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("expr") && f.getValue().isTextual()) {
                    out.add(f.getValue().asText());
                } else {
                    collectExpressions(f.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectExpressions(n, out));
        }
    }

    /** Every metric name the dashboards read. (config/prometheus.yml only scrapes: it has no rules.) */
    public static Set<String> queriedMetricNames() {
        Set<String> names = new TreeSet<>();
        dashboardExpressions().forEach(e -> names.addAll(PromQl.metricNames(e)));
        return names;
    }

    /** A Dockerfile stage: its name, base image, and instructions (continuation lines joined, comments dropped). */
    public record Stage(String name, String from, List<String> instructions) {

        public List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1))
                    .map(i -> i.substring(keyword.length() + 1).trim()).toList();
        }
    }

    private static final Pattern FROM = Pattern.compile("(?i)FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?");

    public static List<Stage> dockerStages() {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text(DOCKERFILE).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                instructions.add(current.toString().replaceAll("\\s+", " ").trim());
                current.setLength(0);
            }
        }
        List<Stage> stages = new ArrayList<>();
        List<String> body = null;
        for (String i : instructions) {
            Matcher m = FROM.matcher(i);
            if (m.matches()) {
                body = new ArrayList<>();
                stages.add(new Stage(m.group(2), m.group(1), body));
            } else if (body != null) {
                body.add(i);
            }
        }
        return stages;
    }

    /** A stage and the stages it builds on, nearest first (Docker's inheritance of ENV, USER and the rest). */
    public static List<Stage> dockerStageChain(String name) {
        return dockerStageChain(name, Map.of());
    }

    /** The same, with these build arguments (the rest at their defaults) in the {@code FROM} lines. */
    public static List<Stage> dockerStageChain(String name, Map<String, String> buildArgs) {
        List<Stage> stages = dockerStages();
        Map<String, String> args = new LinkedHashMap<>(dockerArgDefaults());
        args.putAll(buildArgs);
        List<Stage> chain = new ArrayList<>(List.of(dockerStage(name)));
        while (chain.size() <= stages.size()) {
            String from = substitute(chain.get(chain.size() - 1).from(), args);
            Optional<Stage> parent = stages.stream().filter(s -> from.equals(s.name())).findFirst();
            if (parent.isEmpty()) {
                return chain;
            }
            chain.add(parent.get());
        }
        throw new AssertionError("the stages of the Dockerfile build on each other in a loop");
    }

    /** The global {@code ARG}s (those before the first {@code FROM}) and their defaults. */
    public static Map<String, String> dockerArgDefaults() {
        Map<String, String> args = new LinkedHashMap<>();
        String dockerfile = text(DOCKERFILE);
        Matcher m = Pattern.compile("(?m)^ARG\\s+([A-Za-z_][A-Za-z0-9_]*)=(\\S*)\\s*$").matcher(
                dockerfile.substring(0, dockerfile.indexOf("\nFROM ")));
        while (m.find()) {
            args.put(m.group(1), m.group(2));
        }
        return args;
    }

    private static String substitute(String from, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(from);
        return m.replaceAll(r -> Matcher.quoteReplacement(args.getOrDefault(r.group(1), r.group())));
    }

    /** The image a stage starts from, through the stages it builds on. */
    public static String baseImage(String stage) {
        List<Stage> chain = dockerStageChain(stage);
        return chain.get(chain.size() - 1).from();
    }

    public static Stage dockerStage(String name) {
        return dockerStages().stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("Dockerfile has no stage " + name));
    }
}
