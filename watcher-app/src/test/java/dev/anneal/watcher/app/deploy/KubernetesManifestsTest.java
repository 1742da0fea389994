package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/k8s} against the Kubernetes API schema, offline: each manifest is read through the
 * Kubernetes Java client's models, which are generated from the API's OpenAPI schema and validate
 * strictly (an unknown field, a missing required field or a value of the wrong type is an error).
 * Then what the schema cannot say: the StatefulSet keeps its state on a claim, probes
 * {@code /healthz} and {@code /readyz}, runs as the image's non-root user; the services and the
 * budget select its pods; the ConfigMap's configuration loads with the pod's environment and sets
 * {@code application.server} to the pod's name under the headless service.
 */
class KubernetesManifestsTest {

    private static final Path DIR = DeployFiles.deploy("k8s");
    /** The kinds deploy/k8s uses, their API versions and the models that read them. */
    private static final Map<String, Kind> KINDS = Map.of(
            "Namespace", new Kind("v1", V1Namespace.class),
            "ConfigMap", new Kind("v1", V1ConfigMap.class),
            "Service", new Kind("v1", V1Service.class),
            "StatefulSet", new Kind("apps/v1", V1StatefulSet.class),
            "PodDisruptionBudget", new Kind("policy/v1", V1PodDisruptionBudget.class));
    private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");

    private record Kind(String apiVersion, Class<?> model) {
    }

    /** Every manifest, read through its model: the schema check. */
    private static Map<String, Object> objects() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Path file : manifestFiles()) {
            for (JsonNode doc : DeployFiles.yamlDocuments(file)) {
                String kind = doc.path("kind").asText();
                String where = file.getFileName() + ": " + kind + " " + doc.path("metadata").path("name").asText();
                assertThat(KINDS).as(where + ": a kind this test knows").containsKey(kind);
                assertThat(doc.path("apiVersion").asText()).as(where).isEqualTo(KINDS.get(kind).apiVersion());
                if (!kind.equals("Namespace")) {
                    assertThat(doc.path("metadata").path("namespace").asText()).as(where + " namespace")
                            .isEqualTo("watcher");
                }
                try {
                    out.put(kind + "/" + doc.path("metadata").path("name").asText(),
                            JSON.deserialize(doc.toString(), KINDS.get(kind).model()));
                } catch (RuntimeException e) {
                    throw new AssertionError(where + " does not match the Kubernetes API schema: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    private static List<Path> manifestFiles() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyManifestMatchesTheKubernetesApiSchema() {
        assertThat(objects()).containsOnlyKeys("Namespace/watcher", "ConfigMap/watcher-config",
                "Service/watcher-headless", "Service/watcher", "PodDisruptionBudget/watcher", "StatefulSet/watcher");
    }

    @Test
    void theSchemaCheckRefusesAnUnknownFieldAndAMissingRequiredOne() {
        String unknown = """
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "w"},
                 "spec": {"selector": {}, "serviceName": "s", "template": {"spec": {"containers": [
                   {"name": "c", "livenesProbe": {}}]}}}}""";
        String missing = """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"name": "http"}]}}""";
        assertThatThrownBy(() -> JSON.deserialize(unknown, V1StatefulSet.class))
                .hasMessageContaining("livenesProbe");
        assertThatThrownBy(() -> JSON.deserialize(missing, V1Service.class))
                .hasMessageContaining("port");
    }

    @Test
    void kustomizationListsEveryManifest() {
        List<String> resources = new ArrayList<>();
        DeployFiles.yaml(DIR.resolve("kustomization.yaml")).path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).containsExactlyInAnyOrderElementsOf(
                manifestFiles().stream().map(f -> f.getFileName().toString()).toList());
        assertThat(resources.get(0)).isEqualTo("namespace.yaml");
    }

    @Test
    void theStatefulSetKeepsItsStateProbesItsEndpointsAndRunsAsTheImageUser() {
        Map<String, Object> objects = objects();
        V1StatefulSet set = (V1StatefulSet) objects.get("StatefulSet/watcher");
        V1PodSpec pod = set.getSpec().getTemplate().getSpec();
        V1Container c = pod.getContainers().get(0);

        assertThat(set.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("state");
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");
        });
        assertThat(mount(c, "state").getMountPath()).isEqualTo("/var/lib/watcher");

        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(9400);
        });
        assertProbe(c.getStartupProbe(), "/healthz");
        assertProbe(c.getLivenessProbe(), "/healthz");
        assertProbe(c.getReadinessProbe(), "/readyz");

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Dockerfile.read().runtimeUid());
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(Dockerfile.read().runtimeUid());
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(mount(c, "tmp").getMountPath()).as("RocksDB unpacks its library to /tmp").isEqualTo("/tmp");

        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits().get("memory")).isEqualTo(c.getResources().getRequests().get("memory"));

        assertThat(c.getArgs()).containsExactly("run", "--config", "/etc/watcher/watcher.yaml");
        assertThat(volume(pod, "config").getConfigMap().getName()).isEqualTo("watcher-config");
        assertThat(mount(c, "config").getMountPath()).isEqualTo("/etc/watcher");
        assertThat(volume(pod, "secrets").getSecret().getOptional()).isTrue();
        assertThat(mount(c, "secrets").getReadOnly()).isTrue();
    }

    @Test
    void theServicesAndTheBudgetSelectThePods() {
        Map<String, Object> objects = objects();
        V1StatefulSet set = (V1StatefulSet) objects.get("StatefulSet/watcher");
        Map<String, String> podLabels = set.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());

        V1Service headless = (V1Service) objects.get("Service/" + set.getSpec().getServiceName());
        assertThat(headless).as("the StatefulSet's serviceName names a service").isNotNull();
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        V1Service service = (V1Service) objects.get("Service/watcher");
        assertThat(service.getSpec().getClusterIP()).isNull();
        for (V1Service s : List.of(headless, service)) {
            assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector());
            assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getTargetPort().getStrValue()).isEqualTo("http");
            });
        }
        V1PodDisruptionBudget pdb = (V1PodDisruptionBudget) objects.get("PodDisruptionBudget/watcher");
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMaxUnavailable().getIntValue()).isEqualTo(1);
    }

    @Test
    void theConfigurationLoadsWithThePodEnvironmentAndNamesThePodForInteractiveQueries() throws Exception {
        Map<String, Object> objects = objects();
        V1StatefulSet set = (V1StatefulSet) objects.get("StatefulSet/watcher");
        V1Container c = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        String yaml = ((V1ConfigMap) objects.get("ConfigMap/watcher-config")).getData().get("watcher.yaml");

        // The environment of pod watcher-1, with $(VAR) references expanded as the kubelet does.
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> fields = Map.of("metadata.name", "watcher-1", "metadata.namespace", "watcher");
        for (V1EnvVar v : c.getEnv()) {
            String value = v.getValueFrom() != null ? fields.get(v.getValueFrom().getFieldRef().getFieldPath())
                    : expand(v.getValue(), env);
            env.put(v.getName(), value);
        }
        WatcherConfig config = ConfigLoader.parse("configmap.yaml", yaml, Path.of("/etc/watcher"), env, Map.of());

        assertThat(config.kafka().properties()).containsEntry("application.server",
                "watcher-1." + set.getSpec().getServiceName() + ".watcher.svc.cluster.local:9400");
        assertThat(config.kafka().bootstrapServers()).as("a real cluster, not the embedded broker").isPresent();
        assertThat(config.http().address().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().address().port()).isEqualTo(c.getPorts().get(0).getContainerPort());
        assertThat(config.streams().stateDir()).startsWithRaw(Path.of(mount(c, "state").getMountPath()));
        assertThat(config.notifier().enabled()).isTrue();
    }

    private static String expand(String value, Map<String, String> env) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            assertThat(env).as("$(" + m.group(1) + ") is defined before it is used").containsKey(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(env.get(m.group(1))));
        }
        return m.appendTail(out).toString();
    }

    private static void assertProbe(V1Probe probe, String path) {
        assertThat(probe).as(path + " probe").isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrValue()).isEqualTo("http");
    }

    private static V1VolumeMount mount(V1Container c, String name) {
        return c.getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mount " + name));
    }

    private static V1Volume volume(V1PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }
}
