package dev.vggstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vggstream.config.AppConfig;
import dev.vggstream.config.ConfigKey;
import dev.vggstream.config.ConfigKeys;
import dev.vggstream.config.Redaction;
import dev.vggstream.metrics.Observability;
import dev.vggstream.service.Health;
import dev.vggstream.service.StreamsProperties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.JarURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kustomize overlays of deploy/k8s, rendered by {@code kubectl kustomize} (skipped where kubectl is missing),
 * against the processor they run: its configuration keys and validation, its health endpoints, its shutdown
 * timeout, its memory model, and the ACLs it needs.
 */
class KubernetesManifestsTest {

    static final String POD = "vggstream-3";

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void eachPodJoinsTheGroupAsAStaticMemberNamedAfterItself(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        JsonNode from = k.envEntries().get(K8sManifests.GROUP_INSTANCE_ID_VARIABLE);
        assertThat(from).as("static membership variable").isNotNull();
        assertThat(from.path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.name");
        // the variable reaches Kafka Streams as group.instance.id, through the processor's own configuration
        assertThat(k.config(POD).kafkaProperties()).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, POD);
        // stable names: a StatefulSet's pods keep theirs across restarts
        assertThat(k.statefulSet().path("kind").asText()).isEqualTo("StatefulSet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void probesAskTheHealthEndpointsOnThePortTheProcessorServes(String overlay) throws IOException {
        K8sManifests k = K8sManifests.render(overlay);
        AppConfig c = k.config(POD);
        assertThat(c.httpEnabled()).isTrue();
        // the default is loopback, which no probe could reach
        assertThat(c.httpHost()).isEqualTo("0.0.0.0");
        JsonNode container = k.processor();
        Map<String, String> probes = Map.of("startupProbe", "/health/startup", "livenessProbe", "/health/live",
                "readinessProbe", "/health/ready");
        for (Map.Entry<String, String> p : probes.entrySet()) {
            JsonNode get = container.path(p.getKey()).path("httpGet");
            assertThat(get.path("path").asText()).as(p.getKey()).isEqualTo(p.getValue());
            assertThat(containerPort(container, get.path("port"))).as(p.getKey()).isEqualTo(c.httpPort());
        }
        // and the processor answers on those paths (200 or 503, never 404)
        try (Observability o = Observability.start(new AppConfig.Http(true, "127.0.0.1", 0), new Health())) {
            InetSocketAddress a = o.address().orElseThrow();
            for (String path : probes.values()) {
                assertThat(status("http://127.0.0.1:" + a.getPort() + path)).as(path).isIn(200, 503);
            }
        }
        // the startup probe gives the model load minutes before liveness counts
        JsonNode startup = container.path("startupProbe");
        assertThat(startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt())
                .isGreaterThanOrEqualTo(120);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void theGracePeriodOutlastsTheShutdownTimeout(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        long graceMs = k.podSpec().path("terminationGracePeriodSeconds").asLong() * 1000;
        // with room for the JVM to exit after a clean stop that took the whole timeout
        assertThat(graceMs).isGreaterThanOrEqualTo(k.config(POD).shutdownTimeoutMs() + 5_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void theMemoryLimitHoldsTheHeapMaxRamPercentageGivesAndTheNativeMemoryBeside(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        JsonNode resources = k.processor().path("resources");
        long limit = bytes(resources.path("limits").path("memory").asText());
        assertThat(bytes(resources.path("requests").path("memory").asText())).as("request = limit").isEqualTo(limit);
        String options = k.environment(Map.of(K8sManifests.GROUP_INSTANCE_ID_VARIABLE, POD,
                "VGGSTREAM_KAFKA_SASL_JAAS_CONFIG", "")).get("JAVA_TOOL_OPTIONS");
        JvmMemory.assertFits(overlay, limit, options);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void tensorflowRunsNoMoreThreadsThanTheCpuLimit(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        JsonNode cpu = k.processor().path("resources").path("limits").path("cpu");
        assertThat(cpu.isMissingNode()).as("a CPU limit").isFalse();
        // TensorFlow would size its pool by the node's cores, not by the limit
        assertThat(k.config(POD).inferenceIntraOpThreads()).isEqualTo((int) Math.ceil(cores(cpu.asText())));
    }

    @Test
    void theGpuOverlayGivesEachPodOneGpuAndTheGpuImage() {
        K8sManifests gpu = K8sManifests.render("gpu");
        JsonNode resources = gpu.processor().path("resources");
        assertThat(resources.path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(gpu.config(POD).inferenceDevice()).isEqualTo("gpu");
        // the tag docs/operations.md and the Dockerfile give the GPU build
        assertThat(gpu.processor().path("image").asText()).endsWith(":gpu");
        assertThat(DeployFiles.text(DeployFiles.DOCKERFILE)).contains("--build-arg DEVICE=gpu -t vggstream:gpu");
        assertThat(gpu.podSpec().path("tolerations").toString()).contains("nvidia.com/gpu");
        K8sManifests cpu = K8sManifests.render("cpu");
        assertThat(cpu.processor().path("resources").path("limits").has("nvidia.com/gpu")).isFalse();
        assertThat(cpu.processor().path("image").asText()).doesNotEndWith(":gpu");
        assertThat(cpu.config(POD).inferenceDevice()).isNotEqualTo("gpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void kedaScalesOnTheProcessorsGroupAndInputTopicAndNeverBeyondItsPartitions(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        AppConfig c = k.config(POD);
        JsonNode so = k.one("ScaledObject").path("spec");
        assertThat(so.path("scaleTargetRef").path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(so.path("scaleTargetRef").path("name").asText())
                .isEqualTo(k.statefulSet().path("metadata").path("name").asText());
        JsonNode triggers = so.path("triggers");
        assertThat(triggers).hasSize(1);
        JsonNode t = triggers.get(0);
        assertThat(t.path("type").asText()).isEqualTo("kafka");
        JsonNode meta = t.path("metadata");
        assertThat(meta.path("consumerGroup").asText()).isEqualTo(c.kafkaApplicationId());
        assertThat(meta.path("topic").asText()).isEqualTo(c.topicsInput());
        assertThat(meta.path("bootstrapServers").asText())
                .isEqualTo(c.kafkaProperties().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertThat(Integer.parseInt(meta.path("lagThreshold").asText())).isPositive();
        assertThat(so.path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(so.path("maxReplicaCount").asInt()).isBetween(so.path("minReplicaCount").asInt(),
                inputPartitions(k, c));
        // KEDA owns the count: a replicas field would reset it at every apply
        assertThat(k.statefulSet().path("spec").has("replicas")).isFalse();
    }

    /** The input topic's partitions: its KafkaTopic where the overlay declares one, else topics.partitions. */
    static int inputPartitions(K8sManifests k, AppConfig c) {
        return k.all("KafkaTopic").stream()
                .filter(t -> t.path("metadata").path("name").asText().equals(c.topicsInput()))
                .map(t -> t.path("spec").path("partitions").asInt()).findFirst()
                .orElse(c.topicsPartitions());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void everyConfigurationKeyAndVariableIsOneTheProcessorKnows(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        Properties p = k.properties();
        assertThat(p.stringPropertyNames()).isNotEmpty();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(ConfigKey.KAFKA_PREFIX) && ConfigKeys.find(key).isEmpty()) {
                assertThat(kafkaClientKeys()).as(overlay + ": " + key + " is no Kafka setting")
                        .contains(key.substring(ConfigKey.KAFKA_PREFIX.length()));
            } else {
                assertThat(ConfigKeys.find(key)).as(overlay + ": " + key).isPresent();
            }
        }
        k.envEntries().keySet().stream().filter(v -> v.startsWith("VGGSTREAM_KAFKA_")).forEach(v ->
                assertThat(kafkaClientKeys()).as(overlay + ": " + v)
                        .contains(v.substring("VGGSTREAM_KAFKA_".length()).toLowerCase().replace('_', '.')));
        k.envEntries().keySet().stream().filter(v -> v.startsWith("VGGSTREAM_") && !v.startsWith("VGGSTREAM_KAFKA_"))
                .forEach(v -> assertThat(ConfigKeys.findByEnvName(v)).as(overlay + ": " + v).isPresent());
        // and the processor's own validation accepts the whole (it throws, listing every problem, otherwise)
        AppConfig c = k.config(POD);
        assertThat(c.topicsCreate()).as("topics are made by an administrator or Strimzi").isFalse();
        assertThat(c.modelPath().toString()).startsWith("/models/");
    }

    static Set<String> kafkaClientKeys() {
        Set<String> keys = new HashSet<>(StreamsConfig.configDef().names());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return keys;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void theKafkaSecretComesFromASecretAndNeverFromTheConfigMap(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        assertThat(k.properties().stringPropertyNames()).noneMatch(Redaction::isSecret);
        for (JsonNode cm : k.all("ConfigMap")) {
            assertThat(cm.path("data").toString()).doesNotContainIgnoringCase("password");
        }
        k.envEntries().forEach((name, e) -> {
            String key = ConfigKeys.findByEnvName(name).map(ConfigKey::name)
                    .orElse(name.toLowerCase().replace('_', '.').replaceFirst("^vggstream\\.", ""));
            if (Redaction.isSecret(key)) {
                assertThat(e.has("value")).as(overlay + ": " + name + " written in clear").isFalse();
                assertThat(e.path("valueFrom").has("secretKeyRef")).as(overlay + ": " + name).isTrue();
            }
        });
        assertThat(k.envEntries().get("VGGSTREAM_KAFKA_SASL_JAAS_CONFIG").path("valueFrom").path("secretKeyRef")
                .path("key").asText()).isEqualTo("sasl.jaas.config");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void aDisruptionBudgetAndAPodMonitorSelectTheProcessorPods(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        Map<String, String> pods = k.podLabels();
        JsonNode pdb = k.one("PodDisruptionBudget").path("spec");
        assertThat(pods).containsAllEntriesOf(K8sManifests.strings(pdb.path("selector").path("matchLabels")));
        assertThat(pdb.path("selector").path("matchLabels").size()).isPositive();
        assertThat(pdb.path("maxUnavailable").asInt()).isEqualTo(1);

        JsonNode pm = k.one("PodMonitor").path("spec");
        assertThat(pm.path("selector").path("matchLabels").size()).isPositive();
        assertThat(pods).containsAllEntriesOf(K8sManifests.strings(pm.path("selector").path("matchLabels")));
        JsonNode endpoint = pm.path("podMetricsEndpoints").get(0);
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
        assertThat(containerPort(k.processor(), endpoint.path("port"))).isEqualTo(k.config(POD).httpPort());
        // the job label the alert rules select on
        assertThat(pods.get(pm.path("jobLabel").asText())).isEqualTo(PrometheusAlertsTest.JOB);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void theProcessorRunsUnprivilegedOnAReadOnlyRootWithTheModelFromAVolume(String overlay) {
        K8sManifests k = K8sManifests.render(overlay);
        JsonNode pod = k.podSpec().path("securityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asLong()).isPositive();
        JsonNode c = k.processor().path("securityContext");
        assertThat(c.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(c.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(c.path("capabilities").path("drop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(k.podSpec().path("automountServiceAccountToken").asBoolean(true)).isFalse();
        // the one writable place: Kafka Streams' state directory and temporary files
        assertThat(k.volumeSource(k.volumeMount("/tmp").path("name").asText()).has("emptyDir")).isTrue();
        // the model: a volume, read-only, holding model.path
        AppConfig cfg = k.config(POD);
        JsonNode models = k.volumeMount("/models");
        assertThat(cfg.modelPath().startsWith("/models")).isTrue();
        assertThat(models.path("readOnly").asBoolean()).isTrue();
        String claim = k.volumeSource(models.path("name").asText()).path("persistentVolumeClaim").path("claimName")
                .asText();
        assertThat(k.named("PersistentVolumeClaim", claim)).isNotNull();
        assertThat(k.configMap().path("data").has(K8sManifests.CONFIG_FILE)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu", "strimzi"})
    void theWritableTmpVolumeHoldsTheNativeLibrariesExtractedAtStart(String overlay) throws IOException {
        K8sManifests k = K8sManifests.render(overlay);
        JsonNode tmp = k.volumeSource(k.volumeMount("/tmp").path("name").asText()).path("emptyDir");
        // JavaCPP extracts them to java.io.tmpdir when the home directory is not writable, as here
        assertThat(bytes(tmp.path("sizeLimit").asText())).isGreaterThanOrEqualTo(cpuNativeLibraryBytes() + (256L << 20));
    }

    /** The uncompressed size of TensorFlow's CPU native libraries, from their jar on the test classpath. */
    static long cpuNativeLibraryBytes() throws IOException {
        String dir = "org/tensorflow/internal/c_api/linux-x86_64/";
        URL url = KubernetesManifestsTest.class.getClassLoader().getResource(dir);
        assertThat(url).as("the linux-x86_64 natives on the classpath").isNotNull();
        JarURLConnection jar = (JarURLConnection) url.openConnection();
        jar.setUseCaches(false);
        try (JarFile file = jar.getJarFile()) {
            long total = file.stream().filter(e -> e.getName().startsWith(dir)).mapToLong(ZipEntry::getSize).sum();
            assertThat(total).isGreaterThan(100L << 20);
            return total;
        }
    }

    @Test
    void theStrimziUserHoldsExactlyTheAclsTheProcessorNeeds() {
        K8sManifests k = K8sManifests.render("strimzi");
        AppConfig c = k.config(POD);
        String app = c.kafkaApplicationId();
        Set<String> expected = new TreeSet<>(List.of(
                "topic literal " + c.topicsInput() + " Read",
                "group literal " + app + " Read",
                "topic literal " + c.topicsOutput() + " Write",
                "topic literal " + c.topicsDlq() + " Write"));
        for (String op : List.of("Create", "Read", "Write", "Describe", "DescribeConfigs")) {
            expected.add("topic prefix " + app + "- " + op);
        }
        if ("exactly_once_v2".equals(c.kafkaProcessingGuarantee())) {
            expected.add("transactionalId prefix " + app + "- Write");
            expected.add("transactionalId prefix " + app + "- Describe");
        }
        String jaasSecret = k.envEntries().get("VGGSTREAM_KAFKA_SASL_JAAS_CONFIG").path("valueFrom")
                .path("secretKeyRef").path("name").asText();
        // Strimzi writes the user's credentials to a Secret named after the KafkaUser
        JsonNode user = k.named("KafkaUser", jaasSecret);
        assertThat(acls(user)).isEqualTo(expected);
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(user.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
        // KEDA's own user can only describe the group and the topic
        JsonNode keda = k.named("KafkaUser", "vggstream-keda");
        assertThat(acls(keda)).containsExactlyInAnyOrder("topic literal " + c.topicsInput() + " Describe",
                "group literal " + app + " Describe");
    }

    static Set<String> acls(JsonNode kafkaUser) {
        Set<String> out = new TreeSet<>();
        for (JsonNode acl : kafkaUser.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            assertThat(acl.path("host").asText("*")).isEqualTo("*");
            assertThat(acl.path("type").asText("allow")).isEqualTo("allow");
            for (JsonNode op : acl.path("operations")) {
                out.add(r.path("type").asText() + " " + r.path("patternType").asText("literal") + " "
                        + r.path("name").asText() + " " + op.asText());
            }
        }
        return out;
    }

    @Test
    void theStrimziTopicsAreTheProcessorsWithItsSizeLimitsAndEveryReferencedSecretExists() {
        K8sManifests k = K8sManifests.render("strimzi");
        AppConfig c = k.config(POD);
        Map<String, JsonNode> topics = k.all("KafkaTopic").stream()
                .collect(Collectors.toMap(t -> t.path("metadata").path("name").asText(), t -> t.path("spec")));
        assertThat(topics.keySet()).containsExactlyInAnyOrder(c.topicsInput(), c.topicsOutput(), c.topicsDlq());
        String limit = Integer.toString(StreamsProperties.maxRecordBytes(c));
        assertThat(topics.get(c.topicsInput()).path("config").path("max.message.bytes").asText()).isEqualTo(limit);
        assertThat(topics.get(c.topicsDlq()).path("config").path("max.message.bytes").asText()).isEqualTo(limit);
        String cluster = strimziCluster(k);
        assertThat(c.kafkaProperties().get("bootstrap.servers")).isEqualTo(cluster + "-kafka-bootstrap:9093");
        // Secrets: generated by this overlay, or made by Strimzi (a KafkaUser's, the cluster CA's)
        Set<String> available = new TreeSet<>();
        k.all("Secret").forEach(s -> available.add(s.path("metadata").path("name").asText()));
        k.all("KafkaUser").forEach(u -> available.add(u.path("metadata").path("name").asText()));
        available.add(cluster + "-cluster-ca-cert");
        for (JsonNode ref : k.one("TriggerAuthentication").path("spec").path("secretTargetRef")) {
            assertThat(available).as("TriggerAuthentication " + ref).contains(ref.path("name").asText());
        }
        for (JsonNode v : k.podSpec().path("volumes")) {
            if (v.has("secret")) {
                assertThat(available).contains(v.path("secret").path("secretName").asText());
            }
        }
        JsonNode trigger = k.one("ScaledObject").path("spec").path("triggers").get(0);
        assertThat(trigger.path("authenticationRef").path("name").asText())
                .isEqualTo(k.one("TriggerAuthentication").path("metadata").path("name").asText());
    }

    /** The Strimzi cluster every Strimzi resource of the overlay names; fails if they disagree. */
    static String strimziCluster(K8sManifests k) {
        Set<String> clusters = new TreeSet<>();
        for (String kind : List.of("KafkaTopic", "KafkaUser")) {
            k.all(kind).forEach(r -> clusters.add(r.path("metadata").path("labels").path("strimzi.io/cluster")
                    .asText()));
        }
        assertThat(clusters).hasSize(1);
        return clusters.iterator().next();
    }

    /** The number of a container port given by name or number. */
    static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port " + port);
    }

    static int status(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    /** A Kubernetes memory quantity in bytes: 4Gi, 512Mi, 1G, 1500000000. */
    static long bytes(String quantity) {
        Matcher m = Pattern.compile("([0-9]+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity);
        if (!m.matches()) {
            throw new AssertionError("not a memory quantity: " + quantity);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "Ti" -> n << 40;
            case "k" -> n * 1_000;
            case "M" -> n * 1_000_000;
            case "G" -> n * 1_000_000_000;
            case "T" -> n * 1_000_000_000_000L;
            default -> n;
        };
    }

    /** A Kubernetes CPU quantity in cores: 4, 0.5, 500m. */
    static double cores(String quantity) {
        return quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
                : Double.parseDouble(quantity);
    }
}
