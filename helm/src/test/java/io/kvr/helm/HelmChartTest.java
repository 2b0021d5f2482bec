package io.kvr.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Renders and lints helm/kvr with the real Helm engine (helm-java) and checks the objects it produces. */
class HelmChartTest {
    private static final Path CHART = Path.of("kvr").toAbsolutePath();
    private static final Path SASL_SSL = Path.of("examples/sasl-ssl-cluster.yaml").toAbsolutePath();

    @Test
    void lintsStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultValuesGiveEveryAppAWorkloadWithProbesResourcesAndNonRootUser() throws IOException {
        List<JsonNode> objects = render(new Helm(CHART).template().withName("rec"));

        assertThat(names(objects, "Deployment")).containsExactlyInAnyOrder("rec-bridge", "rec-segmenter",
                "rec-exporter", "rec-edge");
        assertThat(names(objects, "StatefulSet")).containsExactly("rec-indexer");
        assertThat(names(objects, "Service")).contains("rec-edge", "rec-segmenter", "rec-indexer",
                "rec-indexer-headless");
        assertThat(names(objects, "PodDisruptionBudget")).contains("rec-bridge", "rec-indexer", "rec-edge");
        assertThat(names(objects, "Ingress")).isEmpty();
        assertThat(names(objects, "ServiceMonitor")).isEmpty();
        for (JsonNode workload : workloads(objects)) {
            String name = workload.at("/metadata/name").asText();
            JsonNode pod = workload.at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(name).isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as(name).isPositive();
            for (JsonNode c : pod.get("containers")) {
                assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(name).isEqualTo("/health");
                assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(name).isEqualTo("/health");
                assertThat(c.at("/resources/requests/cpu").asText()).as(name).isNotEmpty();
                assertThat(c.at("/resources/requests/memory").asText()).as(name).isNotEmpty();
                assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
                assertThat(c.at("/image").asText()).as(name).startsWith("kvr-").endsWith(":0.1.0");
            }
        }
        JsonNode indexer = workloads(objects).stream().filter(w -> w.at("/kind").asText().equals("StatefulSet"))
                .findFirst().orElseThrow();
        assertThat(indexer.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("10Gi");
        assertThat(config(objects)).contains("s3.secret.key.file=/etc/kvr/s3/secret-key", "topics.prefix=kvr.",
                "edge.index.url=http://rec-indexer:8080/");
        assertNoSecretInline(objects);
    }

    @Test
    void existingSaslSslClusterValuesReferenceSecretsAndNeverInlineThem() throws IOException {
        List<JsonNode> objects = render(new Helm(CHART).template().withName("rec").withValuesFile(SASL_SSL));

        String config = config(objects);
        assertThat(config).contains("kafka.security.protocol=SASL_SSL", "kafka.sasl.mechanism=SCRAM-SHA-512",
                "kafka.sasl.jaas.config.file=/etc/kvr/kafka/sasl.jaas.config", "topics.create=false",
                "topics.prefix=site1.kvr.", "s3.path.style=false",
                "camera.live/door.password.file=/etc/kvr/cameras/door").doesNotContain("ScramLoginModule");
        assertThat(names(objects, "Ingress")).containsExactly("rec-edge");
        assertThat(names(objects, "ServiceMonitor")).hasSize(1);
        JsonNode bridge = workloads(objects).stream().filter(w -> w.at("/metadata/name").asText().equals("rec-bridge"))
                .findFirst().orElseThrow();
        assertThat(bridge.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(bridge.at("/spec/template/spec/volumes").findValuesAsText("secretName"))
                .contains("kvr-kafka", "kafka-ca", "kvr-s3", "kvr-cameras");
        assertNoSecretInline(objects);
    }

    /** No Secret objects, no env value or config line carrying a credential. */
    private static void assertNoSecretInline(List<JsonNode> objects) {
        assertThat(names(objects, "Secret")).isEmpty();
        for (JsonNode w : workloads(objects)) {
            for (JsonNode env : w.at("/spec/template/spec/containers/0/env")) {
                String name = env.get("name").asText();
                assertThat(name).doesNotContain("SECRET", "PASSWORD", "JAAS");
            }
        }
        assertThat(config(objects).lines().filter(l -> l.matches("(?i).*(secret|password|jaas)[^=]*=.*")))
                .allSatisfy(l -> assertThat(l).contains(".file="));
    }

    private static List<JsonNode> render(com.marcnuri.helm.TemplateCommand command) throws IOException {
        String yaml = command.call();
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        try (var it = mapper.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && n.has("kind")) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static List<String> names(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.get("kind").asText().equals(kind))
                .map(o -> o.at("/metadata/name").asText()).toList();
    }

    private static List<JsonNode> workloads(List<JsonNode> objects) {
        return objects.stream().filter(o -> List.of("Deployment", "StatefulSet").contains(o.get("kind").asText()))
                .toList();
    }

    private static String config(List<JsonNode> objects) {
        return objects.stream().filter(o -> o.get("kind").asText().equals("ConfigMap")).findFirst().orElseThrow()
                .at("/data/kvr.properties").asText();
    }
}
