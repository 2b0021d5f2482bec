package io.kvr.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Renders and lints helm/kvr with the real Helm engine (helm-java) and checks the objects it produces. */
class HelmChartTest {
    private static final Path CHART = Path.of("kvr").toAbsolutePath();
    private static final Path SASL_SSL =
            Path.of("examples/sasl-ssl-cluster.yaml").toAbsolutePath();
    private static final Path ACCESS_AND_TLS =
            Path.of("examples/access-and-tls.yaml").toAbsolutePath();

    @Test
    void lintsStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultValuesGiveEveryAppAWorkloadWithProbesResourcesAndNonRootUser() throws IOException {
        List<JsonNode> objects = render(new Helm(CHART).template().withName("rec"));

        assertThat(names(objects, "Deployment"))
                .containsExactlyInAnyOrder("rec-bridge", "rec-segmenter", "rec-exporter", "rec-edge");
        assertThat(names(objects, "StatefulSet")).containsExactly("rec-indexer");
        assertThat(names(objects, "Service"))
                .contains("rec-edge", "rec-segmenter", "rec-indexer", "rec-indexer-headless");
        assertThat(names(objects, "PodDisruptionBudget")).contains("rec-bridge", "rec-indexer", "rec-edge");
        assertThat(names(objects, "Ingress")).isEmpty();
        assertThat(names(objects, "ServiceMonitor")).isEmpty();
        for (JsonNode workload : workloads(objects)) {
            String name = workload.at("/metadata/name").asText();
            JsonNode pod = workload.at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean())
                    .as(name)
                    .isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as(name).isPositive();
            for (JsonNode c : pod.get("containers")) {
                assertThat(c.at("/livenessProbe/httpGet/path").asText())
                        .as(name)
                        .isEqualTo("/health");
                assertThat(c.at("/readinessProbe/httpGet/path").asText())
                        .as(name)
                        .isEqualTo("/health");
                assertThat(c.at("/resources/requests/cpu").asText()).as(name).isNotEmpty();
                assertThat(c.at("/resources/requests/memory").asText()).as(name).isNotEmpty();
                assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true))
                        .as(name)
                        .isFalse();
                assertThat(c.at("/image").asText()).as(name).startsWith("kvr-").endsWith(":0.1.0");
            }
        }
        JsonNode indexer = workloads(objects).stream()
                .filter(w -> w.at("/kind").asText().equals("StatefulSet"))
                .findFirst()
                .orElseThrow();
        assertThat(indexer.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage")
                        .asText())
                .isEqualTo("10Gi");
        assertThat(config(objects))
                .contains(
                        "s3.secret.key.file=/etc/kvr/s3/secret-key",
                        "topics.prefix=kvr.",
                        "edge.index.url=http://rec-indexer:8080/");
        assertNoSecretInline(objects);
    }

    @Test
    void bridgesServeRtspOnTheirOwnServiceAndCanFaceOutsideDevices() throws IOException {
        List<JsonNode> defaults = render(new Helm(CHART).template().withName("rec"));
        JsonNode bridge = workload(defaults, "rec-bridge");
        assertThat(bridge.at("/spec/template/spec/containers/0/ports").findValuesAsText("name"))
                .contains("http", "rtsp");
        assertThat(bridge.at("/spec/template/spec/hostNetwork").asBoolean(false))
                .isFalse();
        JsonNode rtsp = object(defaults, "Service", "rec-bridge-rtsp");
        assertThat(rtsp.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(rtsp.at("/spec/ports/0/port").asInt()).isEqualTo(8554);
        assertThat(rtsp.at("/spec/ports/0/targetPort").asText()).isEqualTo("rtsp");
        assertThat(config(defaults)).contains("rtsp.enabled=true", "rtsp.port=8554", "publish.open=false");

        List<JsonNode> outside = render(new Helm(CHART)
                .template()
                .withName("rec")
                .set("bridge.rtsp.service.type", "LoadBalancer")
                .set("bridge.rtsp.hostNetwork", "true"));
        assertThat(object(outside, "Service", "rec-bridge-rtsp")
                        .at("/spec/type")
                        .asText())
                .isEqualTo("LoadBalancer");
        JsonNode onHost = workload(outside, "rec-bridge").at("/spec/template/spec");
        assertThat(onHost.at("/hostNetwork").asBoolean()).isTrue();
        assertThat(onHost.at("/dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(workload(outside, "rec-edge")
                        .at("/spec/template/spec/hostNetwork")
                        .isMissingNode())
                .isTrue();

        List<JsonNode> off = render(new Helm(CHART).template().withName("rec").set("bridge.rtsp.enabled", "false"));
        assertThat(names(off, "Service")).doesNotContain("rec-bridge-rtsp");
        assertThat(workload(off, "rec-bridge")
                        .at("/spec/template/spec/containers/0/ports")
                        .findValuesAsText("name"))
                .doesNotContain("rtsp");
        assertThat(config(off)).contains("rtsp.enabled=false");
    }

    @Test
    void bridgesServeRtspsWithTheEdgesCertificateWhenAsked() throws IOException {
        List<JsonNode> plain = render(new Helm(CHART).template().withName("rec"));
        assertThat(object(plain, "Service", "rec-bridge-rtsp").at("/spec/ports").findValuesAsText("name"))
                .containsExactly("rtsp");
        assertThat(config(plain)).doesNotContain("rtsp.tls.port");

        List<JsonNode> tls = render(new Helm(CHART)
                .template()
                .withName("rec")
                .set("edge.tls.secretName", "kvr-edge-tls")
                .set("bridge.rtsp.tls.enabled", "true"));
        JsonNode service = object(tls, "Service", "rec-bridge-rtsp");
        assertThat(service.at("/spec/ports").findValuesAsText("name")).containsExactly("rtsp", "rtsps");
        assertThat(service.at("/spec/ports/1/port").asInt()).isEqualTo(8322);
        assertThat(service.at("/spec/ports/1/targetPort").asText()).isEqualTo("rtsps");
        JsonNode bridge = workload(tls, "rec-bridge");
        JsonNode pod = bridge.at("/spec/template/spec");
        assertThat(pod.at("/containers/0/ports").findValuesAsText("name")).contains("http", "rtsp", "rtsps");
        assertThat(named(pod.at("/volumes"), "edge-tls")
                        .at("/secret/secretName")
                        .asText())
                .isEqualTo("kvr-edge-tls");
        assertThat(env(bridge))
                .containsEntry("KVR_RTSP_TLS_CERT", "/etc/kvr/tls/tls.crt")
                .containsEntry("KVR_RTSP_TLS_KEY", "/etc/kvr/tls/tls.key")
                .doesNotContainKey("KVR_HTTP_TLS_CERT");
        // the bridge's own HTTP stays plain: so do its probes
        assertThat(pod.at("/containers/0/readinessProbe/httpGet/scheme").asText("HTTP"))
                .isEqualTo("HTTP");
        assertThat(config(tls)).contains("rtsp.tls.port=8322");

        assertThatThrownBy(
                        () -> render(new Helm(CHART).template().withName("rec").set("bridge.rtsp.tls.enabled", "true")))
                .hasMessageContaining("bridge.rtsp.tls.enabled needs edge.tls.secretName");
    }

    @Test
    void existingSaslSslClusterValuesReferenceSecretsAndNeverInlineThem() throws IOException {
        List<JsonNode> objects =
                render(new Helm(CHART).template().withName("rec").withValuesFile(SASL_SSL));

        String config = config(objects);
        assertThat(config)
                .contains(
                        "kafka.security.protocol=SASL_SSL",
                        "kafka.sasl.mechanism=SCRAM-SHA-512",
                        "kafka.sasl.jaas.config.file=/etc/kvr/kafka/sasl.jaas.config",
                        "topics.create=false",
                        "topics.prefix=site1.kvr.",
                        "s3.path.style=false",
                        "camera.live/door.password.file=/etc/kvr/cameras/door")
                .doesNotContain("ScramLoginModule");
        assertThat(names(objects, "Ingress")).containsExactly("rec-edge");
        assertThat(names(objects, "ServiceMonitor")).hasSize(1);
        JsonNode bridge = workloads(objects).stream()
                .filter(w -> w.at("/metadata/name").asText().equals("rec-bridge"))
                .findFirst()
                .orElseThrow();
        assertThat(bridge.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(bridge.at("/spec/template/spec/volumes").findValuesAsText("secretName"))
                .contains("kvr-kafka", "kafka-ca", "kvr-s3", "kvr-cameras");
        assertNoSecretInline(objects);
    }

    @Test
    void accessSecretsAreMountedFromAnExistingSecretInEveryAppAndAccessIsRequired() throws IOException {
        List<JsonNode> objects =
                render(new Helm(CHART).template().withName("rec").withValuesFile(ACCESS_AND_TLS));

        assertThat(config(objects))
                .contains(
                        "access.required=true",
                        "access.token.secret.file=/etc/kvr/access/token-secret",
                        "access.jwt.hs256.secret.file=/etc/kvr/access/jwt-hs256-secret",
                        "access.api.keys.file=/etc/kvr/access/api-keys");
        assertThat(workloads(objects)).hasSize(5).allSatisfy(w -> {
            String name = w.at("/metadata/name").asText();
            JsonNode volume = named(w.at("/spec/template/spec/volumes"), "access-secrets");
            assertThat(volume.at("/secret/secretName").asText()).as(name).isEqualTo("kvr-access");
            assertThat(volume.at("/secret/items").toString())
                    .as(name)
                    .contains(
                            "{\"key\":\"token-secret\",\"path\":\"token-secret\"}",
                            "{\"key\":\"jwt-secret\",\"path\":\"jwt-hs256-secret\"}",
                            "{\"key\":\"api-keys\",\"path\":\"api-keys\"}");
            JsonNode mount = named(w.at("/spec/template/spec/containers/0/volumeMounts"), "access-secrets");
            assertThat(mount.at("/mountPath").asText()).as(name).isEqualTo("/etc/kvr/access");
            assertThat(mount.at("/readOnly").asBoolean()).as(name).isTrue();
        });
        assertNoSecretInline(objects);

        // one key is enough; only it is mounted
        List<JsonNode> tokenOnly = render(new Helm(CHART)
                .template()
                .withName("rec")
                .set("access.required", "true")
                .set("access.existingSecret.name", "kvr-access")
                .set("access.existingSecret.tokenSecretKey", "t"));
        assertThat(config(tokenOnly))
                .contains("access.required=true", "access.token.secret.file=")
                .doesNotContain("access.jwt.hs256.secret.file", "access.api.keys.file");
        assertThat(named(workload(tokenOnly, "rec-edge").at("/spec/template/spec/volumes"), "access-secrets")
                        .at("/secret/items"))
                .hasSize(1);
        // without references nothing is mounted and access stays as the apps default it
        List<JsonNode> plain = render(new Helm(CHART).template().withName("rec"));
        assertThat(config(plain)).doesNotContain("access.required", "access.token", "access.jwt", "access.api");
        assertThat(workload(plain, "rec-edge").at("/spec/template/spec/volumes").findValuesAsText("name"))
                .doesNotContain("access-secrets");
    }

    @Test
    void requiredAccessWithoutAReferencedSecretFailsToRenderWithTheReason() {
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("rec")
                        .set("access.required", "true")
                        .call())
                .hasMessageContaining("access.required=true needs a credential");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("rec")
                        .set("access.required", "true")
                        .set("access.existingSecret.name", "kvr-access")
                        .call())
                .hasMessageContaining("no key of it is named");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("rec")
                        .set("access.existingSecret.tokenSecretKey", "t")
                        .call())
                .hasMessageContaining("set access.existingSecret.name");
    }

    @Test
    void requiredAccessWithAPublicKeyInConfigRenders() throws IOException {
        List<JsonNode> objects = render(new Helm(CHART)
                .template()
                .withName("rec")
                .set("access.required", "true")
                .withValuesFile(writeValues("config:\n  access.jwt.rs256.public.key: /etc/kvr/jwt/public.pem\n")));
        assertThat(config(objects))
                .contains("access.required=true", "access.jwt.rs256.public.key=/etc/kvr/jwt/public.pem");
    }

    @Test
    void edgeTlsMountsTheTlsSecretAndSwitchesPortsProbesAndIngressToHttps() throws IOException {
        List<JsonNode> objects = render(new Helm(CHART)
                .template()
                .withName("rec")
                .withNamespace("video")
                .withValuesFile(ACCESS_AND_TLS));

        JsonNode edge = workload(objects, "rec-edge");
        JsonNode pod = edge.at("/spec/template/spec");
        JsonNode volume = named(pod.at("/volumes"), "edge-tls");
        assertThat(volume.at("/secret/secretName").asText()).isEqualTo("kvr-edge-tls");
        assertThat(volume.at("/secret/items").findValuesAsText("key")).containsExactly("tls.crt", "tls.key");
        assertThat(named(pod.at("/containers/0/volumeMounts"), "edge-tls")
                        .at("/mountPath")
                        .asText())
                .isEqualTo("/etc/kvr/tls");
        Map<String, String> env = env(edge);
        assertThat(env)
                .containsEntry("KVR_HTTP_TLS_CERT", "/etc/kvr/tls/tls.crt")
                .containsEntry("KVR_HTTP_TLS_KEY", "/etc/kvr/tls/tls.key")
                .containsEntry(
                        "KVR_HTTP_ALLOWED_HOSTS",
                        "kvr.example.com,rec-edge,rec-edge.video,rec-edge.video.svc,rec-edge.video.svc.cluster.local");
        assertThat(pod.at("/containers/0/ports/0/name").asText()).isEqualTo("https");
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            JsonNode get = pod.at("/containers/0/" + probe + "/httpGet");
            assertThat(get.at("/scheme").asText()).as(probe).isEqualTo("HTTPS");
            assertThat(get.at("/port").asText()).as(probe).isEqualTo("https");
            assertThat(get.at("/path").asText()).as(probe).isEqualTo("/health");
            assertThat(get.at("/httpHeaders/0/name").asText()).as(probe).isEqualTo("Host");
            assertThat(get.at("/httpHeaders/0/value").asText()).as(probe).isEqualTo("kvr.example.com");
        }
        JsonNode service = objects.stream()
                .filter(o -> o.get("kind").asText().equals("Service")
                        && o.at("/metadata/name").asText().equals("rec-edge"))
                .findFirst()
                .orElseThrow();
        assertThat(service.at("/spec/ports/0/name").asText()).isEqualTo("https");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("https");

        JsonNode ingress = objects.stream()
                .filter(o -> o.get("kind").asText().equals("Ingress"))
                .findFirst()
                .orElseThrow();
        assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("kvr-tls");
        assertThat(ingress.at("/spec/tls/0/hosts/0").asText()).isEqualTo("kvr.example.com");
        assertThat(ingress.at("/spec/rules/0/http/paths/0/backend/service/port/name")
                        .asText())
                .isEqualTo("https");
        assertThat(ingress.at("/metadata/annotations/nginx.ingress.kubernetes.io~1backend-protocol")
                        .asText())
                .isEqualTo("HTTPS");

        JsonNode monitor = objects.stream()
                .filter(o -> o.get("kind").asText().equals("ServiceMonitor"))
                .findFirst()
                .orElseThrow();
        assertThat(monitor.at("/spec/endpoints").findValuesAsText("port")).containsExactly("http", "https");
        assertThat(monitor.at("/spec/endpoints/1/scheme").asText()).isEqualTo("https");
        assertThat(monitor.at("/spec/endpoints/1/tlsConfig/serverName").asText())
                .isEqualTo("kvr.example.com");

        // every other app keeps plain HTTP and answers any host: only the edge is behind the Ingress
        for (JsonNode w : workloads(objects)) {
            if (w == edge) {
                continue;
            }
            String name = w.at("/metadata/name").asText();
            assertThat(env(w))
                    .as(name)
                    .doesNotContainKeys("KVR_HTTP_TLS_CERT", "KVR_HTTP_TLS_KEY", "KVR_HTTP_ALLOWED_HOSTS");
            assertThat(w.at("/spec/template/spec/containers/0/ports/0/name").asText())
                    .as(name)
                    .isEqualTo("http");
            assertThat(w.at("/spec/template/spec/containers/0/livenessProbe/httpGet/scheme")
                            .isMissingNode())
                    .as(name)
                    .isTrue();
        }
        assertThat(config(objects)).doesNotContain("http.tls", "http.allowed.hosts");
        assertNoSecretInline(objects);
    }

    @Test
    void theIngressShortTlsFormAndAPlainEdgeStillRender() throws IOException {
        // the SASL_SSL example: Ingress TLS by tlsSecret, the edge itself on plain HTTP
        List<JsonNode> objects =
                render(new Helm(CHART).template().withName("rec").withValuesFile(SASL_SSL));
        JsonNode ingress = objects.stream()
                .filter(o -> o.get("kind").asText().equals("Ingress"))
                .findFirst()
                .orElseThrow();
        assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("kvr-tls");
        assertThat(ingress.at("/spec/tls/0/hosts/0").asText()).isEqualTo("kvr.example.com");
        assertThat(ingress.at("/spec/rules/0/http/paths/0/backend/service/port/name")
                        .asText())
                .isEqualTo("http");
        JsonNode edge = workload(objects, "rec-edge");
        assertThat(env(edge))
                .containsEntry(
                        "KVR_HTTP_ALLOWED_HOSTS",
                        "kvr.example.com,rec-edge,rec-edge.default,rec-edge.default.svc,rec-edge.default.svc.cluster.local")
                .doesNotContainKey("KVR_HTTP_TLS_CERT");
        assertThat(edge.at("/spec/template/spec/containers/0/readinessProbe/httpGet/port")
                        .asText())
                .isEqualTo("http");
        assertThat(edge.at("/spec/template/spec/containers/0/readinessProbe/httpGet/scheme")
                        .isMissingNode())
                .isTrue();
        JsonNode monitor = objects.stream()
                .filter(o -> o.get("kind").asText().equals("ServiceMonitor"))
                .findFirst()
                .orElseThrow();
        assertThat(monitor.at("/spec/endpoints").findValuesAsText("port")).containsExactly("http");
    }

    private static JsonNode workload(List<JsonNode> objects, String name) {
        return workloads(objects).stream()
                .filter(w -> w.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode object(List<JsonNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o.get("kind").asText().equals(kind)
                        && o.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static JsonNode named(JsonNode list, String name) {
        return StreamSupport.stream(list.spliterator(), false)
                .filter(n -> n.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + list));
    }

    private static Map<String, String> env(JsonNode workload) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonNode e : workload.at("/spec/template/spec/containers/0/env")) {
            out.put(e.get("name").asText(), e.path("value").asText());
        }
        return out;
    }

    private static Path writeValues(String yaml) throws IOException {
        Path file = java.nio.file.Files.createTempFile("kvr-values", ".yaml");
        java.nio.file.Files.writeString(file, yaml);
        file.toFile().deleteOnExit();
        return file;
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
        return objects.stream()
                .filter(o -> o.get("kind").asText().equals(kind))
                .map(o -> o.at("/metadata/name").asText())
                .toList();
    }

    private static List<JsonNode> workloads(List<JsonNode> objects) {
        return objects.stream()
                .filter(o -> List.of("Deployment", "StatefulSet")
                        .contains(o.get("kind").asText()))
                .toList();
    }

    private static String config(List<JsonNode> objects) {
        return objects.stream()
                .filter(o -> o.get("kind").asText().equals("ConfigMap"))
                .findFirst()
                .orElseThrow()
                .at("/data/kvr.properties")
                .asText();
    }
}
