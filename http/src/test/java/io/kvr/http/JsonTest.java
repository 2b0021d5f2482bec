package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request bodies are read within hard limits and refused with a reason; answers keep Jackson's default form. */
class JsonTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void twoHundredThousandNestedArraysAreRefusedWithoutOverflowingTheStack() {
        byte[] body = utf8("[".repeat(200_000));
        assertThatThrownBy(() -> Json.tree(body))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("nested deeper than 64 levels");
        assertThatThrownBy(() -> Json.tree(utf8("{\"a\":" + "[".repeat(200_000))))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("nested deeper than 64 levels");
        assertThatThrownBy(() -> Json.tree(utf8("{\"a\":".repeat(100_000))))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("nested deeper than 64 levels");
    }

    @Test
    void sixtyFourLevelsAreReadAndSixtyFiveAreNot() {
        assertThat(Json.tree(utf8(nested(64))).isArray()).isTrue();
        assertThatThrownBy(() -> Json.tree(utf8(nested(65)))).isInstanceOf(InvalidJsonException.class);
    }

    @Test
    void stringsAndNumbersHaveAMaximumLength() {
        String mib = "x".repeat(Json.MAX_STRING_LENGTH);
        assertThat(Json.tree(utf8("{\"s\":\"" + mib + "\"}")).get("s").textValue())
                .hasSize(Json.MAX_STRING_LENGTH);
        assertThatThrownBy(() -> Json.tree(utf8("{\"s\":\"" + mib + "x\"}")))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("string longer than 1048576");
        assertThat(Json.tree(utf8("{\"n\":" + "9".repeat(100) + "}")).get("n").isIntegralNumber())
                .isTrue();
        assertThatThrownBy(() -> Json.tree(utf8("{\"n\":" + "9".repeat(101) + "}")))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("number longer than 100");
        assertThatThrownBy(() -> Json.tree(utf8("{\"n\":1." + "9".repeat(200) + "}")))
                .isInstanceOf(InvalidJsonException.class);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "`{`                              | body is not valid JSON (line 1, column 2)",
                "`{\"a\":1} x`                    | body is not valid JSON",
                "`{\"a\":1,\"a\":2}`              | body is not valid JSON: Duplicate field 'a'",
                "`{\"a\":\"secret-value`          | body is not valid JSON",
                "`nul`                            | body is not valid JSON",
                "`\u0007`                         | body is not valid JSON",
            })
    void malformedBodiesSayWhereWithoutQuotingThem(String body, String reason) {
        assertThatThrownBy(() -> Json.tree(utf8(body)))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining(reason)
                .hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> Json.requestBody(utf8(body)))
                .isInstanceOfSatisfying(
                        HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void anEmptyBodyIsMissing() {
        assertThat(Json.tree(new byte[0]).isMissingNode()).isTrue();
        assertThat(Json.tree(null).isMissingNode()).isTrue();
        assertThat(Json.tree(utf8("   ")).isMissingNode()).isTrue();
        assertThat(Json.tree(utf8("null")).isNull()).isTrue();
    }

    /** The answers' JSON is a contract: byte for byte what a default ObjectMapper writes. */
    @Test
    void writesWhatADefaultObjectMapperWrites() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("error", "no such stream: café \u2013 \"x\" \\ \n");
        value.put("status", 404);
        value.put("big", Long.MAX_VALUE);
        value.put("ratio", 0.1);
        value.put("none", null);
        value.put("list", List.of(1, "two", Map.of("three", true)));
        value.put("sorted", new TreeMap<>(Map.of("b", 2, "a", 1)));
        value.put("record", new Sample("door", 7, null));
        value.put("empty", new ArrayList<>());
        assertThat(Json.bytes(value)).isEqualTo(new ObjectMapper().writeValueAsBytes(value));
        assertThat(Json.bytes(List.of())).isEqualTo(new ObjectMapper().writeValueAsBytes(List.of()));
    }

    record Sample(String name, long count, String missing) {}

    /** A route reading its body through {@link Json#requestBody}: the hostile body is a 400, not a 500. */
    @Test
    void aHostileBodyToARouteIsA400WithAReason() throws Exception {
        Router router = new Router(AccessControl.open()).post("/echo", Role.PUBLIC, req -> {
            JsonNode body = Json.requestBody(req.body());
            return HttpService.json(200, Map.of("type", body.getNodeType().name()));
        });
        try (HttpService server = HttpService.start("127.0.0.1", 0, router)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> deep = http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("[".repeat(200_000)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deep.statusCode()).isEqualTo(400);
            assertThat(deep.body()).contains("nested deeper than 64 levels");
            HttpResponse<String> fine = http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/echo"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("[[1]]"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fine.statusCode()).isEqualTo(200);
            assertThat(fine.body()).isEqualTo("{\"type\":\"ARRAY\"}");
        }
    }
}
