package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsTest {
    private static Request from(String origin) {
        return new Request(
                "GET",
                "/",
                Map.of(),
                Map.of(),
                origin == null ? Map.of() : Map.of("Origin", List.of(origin)),
                new byte[0]);
    }

    @Test
    void withoutOriginsNothingIsAdded() throws Exception {
        Response r = new Cors(List.of()).wrap(req -> Response.empty(200)).handle(from("https://a.example"));
        assertThat(r.headers()).doesNotContainKeys("Access-Control-Allow-Origin", "Vary");
    }

    @Test
    void anyOriginEchoesTheOriginAndErrorsGetHeadersToo() throws Exception {
        Cors cors = new Cors(List.of("*"));
        Response r = cors.wrap(req -> {
                    throw new HttpError(403, "no");
                })
                .handle(from("https://a.example"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers())
                .containsEntry("Access-Control-Allow-Origin", "https://a.example")
                .containsEntry("Vary", "Origin");
        assertThat(cors.preflight(from(null)).headers()).containsEntry("Allow", "GET, HEAD, OPTIONS");
    }
}
