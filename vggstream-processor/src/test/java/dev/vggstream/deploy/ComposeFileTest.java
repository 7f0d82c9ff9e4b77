package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.config.AppConfig;
import dev.vggstream.config.ConfigKey;
import dev.vggstream.config.ConfigKeys;
import dev.vggstream.service.StreamsProperties;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static dev.vggstream.deploy.DeployFiles.composeService;
import static dev.vggstream.deploy.DeployFiles.environment;
import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml against the processor it runs: its keys, its sizes, its endpoints. */
class ComposeFileTest {

    static final List<String> PROCESSORS = List.of("processor", "processor-gpu");

    static Set<String> documentedKeys() {
        Set<String> keys = new TreeSet<>();
        for (String line : DeployFiles.text(DeployFiles.APPLICATION_PROPERTIES).split("\n")) {
            Matcher m = Pattern.compile("^([a-z][a-z0-9.-]*)=").matcher(line);
            if (m.find()) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }

    @Test
    void everyProcessorVariableOverridesADocumentedKey() {
        Set<String> documented = documentedKeys();
        for (String service : PROCESSORS) {
            Map<String, String> env = environment(composeService(service));
            assertThat(env.keySet()).as(service).anyMatch(k -> k.startsWith("VGGSTREAM_"));
            env.keySet().stream().filter(k -> k.startsWith("VGGSTREAM_")).forEach(variable -> {
                Optional<ConfigKey<?>> key = ConfigKeys.findByEnvName(variable);
                assertThat(key).as(service + ": " + variable + " names no configuration key").isPresent();
                assertThat(documented).as(service + ": " + variable + " -> " + key.get().name()
                        + " is not in config/application.properties").contains(key.get().name());
            });
        }
    }

    @Test
    void everyProcessorEnvironmentIsAValidConfiguration() {
        for (String service : PROCESSORS) {
            AppConfig c = AppConfig.fromProperties(new Properties(), environment(composeService(service)));
            // reachable from Prometheus and the healthcheck, on the port both use
            assertThat(c.httpEnabled()).isTrue();
            assertThat(c.httpHost()).isEqualTo("0.0.0.0");
            assertThat(c.httpPort()).isEqualTo(8080);
            assertThat(c.modelPath().toString()).startsWith("/models/");
        }
        AppConfig gpu = AppConfig.fromProperties(new Properties(), environment(composeService("processor-gpu")));
        assertThat(gpu.inferenceDevice()).isEqualTo("gpu");
    }

    @Test
    void processorsConnectToTheBrokersContainerListener() {
        Map<String, String> kafka = environment(composeService("kafka"));
        List<String> advertised = List.of(kafka.get("KAFKA_ADVERTISED_LISTENERS").split(","));
        for (String service : PROCESSORS) {
            String bootstrap = environment(composeService(service)).get("VGGSTREAM_KAFKA_BOOTSTRAP_SERVERS");
            assertThat(advertised).as(service).anyMatch(l -> l.endsWith("://" + bootstrap));
        }
    }

    /** The processor's own limit for records carrying a whole image, at the default image.max-bytes. */
    static int maxRecordBytes() {
        return StreamsProperties.maxRecordBytes(AppConfig.defaults());
    }

    record TopicCreate(String topic, int partitions, Map<String, String> configs) {
    }

    static List<TopicCreate> topicCreations() {
        String script = StreamSupport.stream(composeService("topics").path("command").spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.joining("\n"));
        List<TopicCreate> out = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (!line.contains("--create")) {
                continue;
            }
            List<String> args = List.of(line.trim().split("\\s+"));
            Map<String, String> configs = new HashMap<>();
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).equals("--config")) {
                    String[] kv = args.get(i + 1).split("=", 2);
                    configs.put(kv[0], kv[1]);
                }
            }
            out.add(new TopicCreate(args.get(args.indexOf("--topic") + 1),
                    Integer.parseInt(args.get(args.indexOf("--partitions") + 1)), configs));
        }
        return out;
    }

    @Test
    void topicsAreTheProcessorsDefaultsWithItsSizeLimits() {
        AppConfig d = AppConfig.defaults();
        List<TopicCreate> topics = topicCreations();
        assertThat(topics).extracting(TopicCreate::topic)
                .containsExactlyInAnyOrder(d.topicsInput(), d.topicsOutput(), d.topicsDlq());
        assertThat(topics).allSatisfy(t -> assertThat(t.partitions()).isEqualTo(d.topicsPartitions()));
        String limit = Integer.toString(maxRecordBytes());
        for (TopicCreate t : topics) {
            // as the processor creates them: whole images in, whole images to the dead-letter topic, small results
            boolean carriesImages = !t.topic().equals(d.topicsOutput());
            assertThat(t.configs().get("max.message.bytes")).as(t.topic()).isEqualTo(carriesImages ? limit : null);
        }
    }

    @Test
    void theBrokerAcceptsTheLargestRecordTheProcessorWrites() {
        Map<String, String> kafka = environment(composeService("kafka"));
        assertThat(Integer.parseInt(kafka.get("KAFKA_MESSAGE_MAX_BYTES"))).isEqualTo(maxRecordBytes());
        assertThat(Integer.parseInt(kafka.get("KAFKA_REPLICA_FETCH_MAX_BYTES"))).isGreaterThanOrEqualTo(maxRecordBytes());
    }

    @Test
    void theCommentExplainingTheSizeStatesTheNumbersTheProcessorComputes() {
        String compose = DeployFiles.text(DeployFiles.COMPOSE);
        assertThat(compose).contains("image.max-bytes defaults to " + AppConfig.defaults().imageMaxBytes())
                .contains("= " + StreamsProperties.maxInputRecordBytes(AppConfig.defaults()) + " bytes")
                .contains("= " + maxRecordBytes() + " bytes");
    }

    @Test
    void theGpuProcessorIsAProfileThatReservesAnNvidiaGpuAndUsesTheGpuImage() {
        JsonNode gpu = composeService("processor-gpu");
        assertThat(gpu.path("profiles")).extracting(JsonNode::asText).containsExactly("gpu");
        assertThat(gpu.path("build").path("target").asText()).isEqualTo("runtime");
        assertThat(gpu.path("build").path("args").path("DEVICE").asText()).isEqualTo("gpu");
        assertThat(environment(gpu)).containsEntry("VGGSTREAM_INFERENCE_DEVICE", "gpu");
        JsonNode devices = gpu.path("deploy").path("resources").path("reservations").path("devices");
        assertThat(devices).hasSize(1);
        assertThat(devices.get(0).path("driver").asText()).isEqualTo("nvidia");
        assertThat(devices.get(0).path("capabilities")).extracting(JsonNode::asText).contains("gpu");
        // the CPU processor is in no profile: a plain `docker compose up` runs it
        assertThat(composeService("processor").has("profiles")).isFalse();
        assertThat(composeService("processor").path("build").path("target").asText()).isEqualTo("runtime");
    }

    @Test
    void everyBuildTargetIsADockerfileStage() {
        composeServices().forEach((name, s) -> {
            if (s.has("build")) {
                String target = s.path("build").path("target").asText();
                assertThat(DeployFiles.dockerStage(target).name()).as(name).isEqualTo(target);
            }
        });
    }

    static Map<String, JsonNode> composeServices() {
        Map<String, JsonNode> out = new HashMap<>();
        DeployFiles.yaml(DeployFiles.COMPOSE).path("services").fields()
                .forEachRemaining(f -> out.put(f.getKey(), f.getValue()));
        return out;
    }

    @Test
    void processorsWaitForTheirTopicsAndModelAndReportReadinessAsHealth() {
        for (String service : PROCESSORS) {
            JsonNode s = composeService(service);
            assertThat(s.path("depends_on").path("topics").path("condition").asText())
                    .isEqualTo("service_completed_successfully");
            assertThat(s.path("depends_on").path("model").path("condition").asText())
                    .isEqualTo("service_completed_successfully");
            String check = String.join(" ", StreamSupport.stream(s.path("healthcheck").path("test").spliterator(),
                    false).map(JsonNode::asText).toList());
            assertThat(check).contains("GET /health/ready ").contains("VGGSTREAM_HTTP_PORT:-8080");
        }
        assertThat(composeService("topics").path("depends_on").path("kafka").path("condition").asText())
                .isEqualTo("service_healthy");
    }

    @Test
    void processorsReadTheModelFromTheVolumeTheModelServiceFills() {
        String modelPath = environment(composeService("processor")).get("VGGSTREAM_MODEL_PATH");
        String build = StreamSupport.stream(composeService("model").path("command").spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.joining("\n"));
        assertThat(build).contains("model build").contains("--out " + modelPath + "/1");
        String modelVolume = volumeAt(composeService("model"), "/models");
        for (String service : PROCESSORS) {
            assertThat(volumeAt(composeService(service), "/models")).as(service).isEqualTo(modelVolume);
            assertThat(volumeAt(composeService(service), "/app/config")).as(service).isEqualTo("./config");
        }
    }

    /** Where {@code source} is mounted in a short-syntax volume list. */
    static String mountOf(JsonNode service, String source) {
        for (JsonNode v : service.path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts[0].equals(source)) {
                return parts[1];
            }
        }
        throw new AssertionError(source + " is not mounted in " + service);
    }

    /** The source mounted at {@code target} in a short-syntax volume list. */
    static String volumeAt(JsonNode service, String target) {
        for (JsonNode v : service.path("volumes")) {
            // source:target[:ro|rw], where the source may be a ${VAR:-default}
            String spec = v.asText().replaceFirst(":(ro|rw)$", "");
            int colon = spec.lastIndexOf(':');
            if (spec.substring(colon + 1).equals(target)) {
                return spec.substring(0, colon);
            }
        }
        throw new AssertionError("nothing mounted at " + target + " in " + service);
    }

    @Test
    void prometheusScrapesMetricsFromEveryProcessorServiceOnItsHttpPort() {
        JsonNode jobs = DeployFiles.yaml(DeployFiles.PROMETHEUS).path("scrape_configs");
        assertThat(jobs).hasSize(1);
        JsonNode job = jobs.get(0);
        assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        Set<String> scraped = new TreeSet<>();
        for (JsonNode sd : job.path("dns_sd_configs")) {
            sd.path("names").forEach(n -> scraped.add(n.asText()));
            String someProcessor = sd.path("names").get(0).asText();
            assertThat(sd.path("port").asInt()).isEqualTo(Integer.parseInt(
                    environment(composeService(someProcessor)).get("VGGSTREAM_HTTP_PORT")));
        }
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(PROCESSORS);
        assertThat(volumeAt(composeService("prometheus"), "/etc/prometheus/prometheus.yml"))
                .isEqualTo("./" + DeployFiles.PROMETHEUS);
    }

    @Test
    void grafanaIsProvisionedWithThePrometheusDatasourceAndTheDashboards() {
        JsonNode grafana = composeService("grafana");
        assertThat(volumeAt(grafana, "/etc/grafana/provisioning")).isEqualTo("./config/grafana/provisioning");
        JsonNode ds = DeployFiles.yaml(DeployFiles.GRAFANA.resolve("provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0);
        assertThat(ds.path("type").asText()).isEqualTo("prometheus");
        assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(composeServices()).containsKey("prometheus");
        JsonNode provider = DeployFiles.yaml(DeployFiles.GRAFANA.resolve("provisioning/dashboards/vggstream.yml"))
                .path("providers").get(0);
        String dashboardsIn = provider.path("options").path("path").asText();
        assertThat(volumeAt(grafana, dashboardsIn)).isEqualTo("./" + DeployFiles.DASHBOARDS);
        assertThat(DeployFiles.environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
                .startsWith(dashboardsIn + "/");
        // every panel queries the provisioned datasource
        String uid = ds.path("uid").asText();
        JsonNode dashboard = DeployFiles.json(DeployFiles.DASHBOARDS.resolve("vggstream.json"));
        assertThat(dashboard.findValues("datasource")).isNotEmpty()
                .allSatisfy(d -> assertThat(d.path("uid").asText()).isEqualTo(uid));
    }

    @Test
    void everyPublishedPortIsBoundToLoopback() {
        Set<String> publishing = new TreeSet<>();
        composeServices().forEach((name, service) -> service.path("ports").forEach(p -> {
            publishing.add(name);
            // host_ip:host_port:container_port; without host_ip Docker binds every interface
            assertThat(p.asText()).as(name).matches("127\\.0\\.0\\.1:[0-9]+:[0-9]+");
        }));
        // Kafka's unauthenticated listener, both processors' /metrics, Prometheus and Grafana
        assertThat(publishing).contains("kafka", "processor", "processor-gpu", "prometheus", "grafana");
    }

    @Test
    void grafanasAdminPasswordComesFromTheEnvironmentAndHasNoDefault() {
        String password = environment(composeService("grafana")).get("GF_SECURITY_ADMIN_PASSWORD");
        // ${VAR:?message}: compose stops with the message when VAR is unset or empty
        assertThat(password).matches("\\$\\{GRAFANA_ADMIN_PASSWORD:\\?[^}]+}");
        assertThat(DeployFiles.text(Path.of("docs", "operations.md"))).contains("GRAFANA_ADMIN_PASSWORD");
    }

    @Test
    void processorMemoryLimitsHoldTheHeapOfMaxRamPercentageAndTheNativeMemoryBeside() {
        for (String name : PROCESSORS) {
            JsonNode service = composeService(name);
            long limit = dockerBytes(service.path("mem_limit").asText());
            assertThat(dockerBytes(service.path("memswap_limit").asText())).as(name + ": no swap").isEqualTo(limit);
            JvmMemory.assertFits(name, limit, javaToolOptions(service.path("build")));
        }
    }

    /** JAVA_TOOL_OPTIONS as the Dockerfile stage a compose build names sets it, or inherits it. */
    static String javaToolOptions(JsonNode build) {
        String stage = build.path("target").asText();
        Map<String, String> args = new java.util.LinkedHashMap<>();
        build.path("args").fields().forEachRemaining(e -> args.put(e.getKey(), e.getValue().asText()));
        Pattern p = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"");
        for (DeployFiles.Stage s : DeployFiles.dockerStageChain(stage, args)) {
            for (String env : s.all("ENV")) {
                Matcher m = p.matcher(env);
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        throw new AssertionError("stage " + stage + " sets no JAVA_TOOL_OPTIONS");
    }

    /** A Docker memory size (b, k, m, g; binary units) in bytes. */
    static long dockerBytes(String size) {
        Matcher m = Pattern.compile("(?i)([0-9]+)([bkmg]?)").matcher(size);
        assertThat(m.matches()).as("a memory size: " + size).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase()) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    @Test
    void dockerComposeAcceptsTheFileAndRefusesToStartWithoutAGrafanaPassword() {
        List<String> config = List.of("docker-compose", "-f", DeployFiles.COMPOSE.toString(), "--profile", "gpu",
                "config");
        String resolved = Tools.ok(config, Map.of("GRAFANA_ADMIN_PASSWORD", "a-test-password"));
        JsonNode services = DeployFiles.yamlText(resolved).path("services");
        assertThat(services.path("grafana").path("environment").path("GF_SECURITY_ADMIN_PASSWORD").asText())
                .isEqualTo("a-test-password");
        assertThat(services.path("processor").path("mem_limit").asText()).isNotEmpty();
        Map<String, String> unset = new HashMap<>();
        unset.put("GRAFANA_ADMIN_PASSWORD", null);
        Tools.Run refused = Tools.run(config, unset);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output() + refused.errors()).contains("GRAFANA_ADMIN_PASSWORD");
    }
}
