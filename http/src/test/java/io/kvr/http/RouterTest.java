package io.kvr.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.http.access.AccessControl;
import io.kvr.http.access.Role;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouterTest {
    private final Handler playlist = r -> Response.empty(200);
    private final Handler streamsApi = r -> Response.empty(200);
    private final Handler anyPair = r -> Response.empty(200);
    private final Handler objects = r -> Response.empty(200);
    private final Handler create = r -> Response.empty(201);

    private final Router router = new Router(AccessControl.open())
            .get("/{app}/{stream}", Role.PUBLIC, anyPair)
            .get("/v1/streams", Role.PUBLIC, streamsApi)
            .get("/{app}/{stream}/index.m3u8", Role.PUBLIC, playlist)
            .get("/{app}/{stream}/{rest*}", Role.PUBLIC, objects)
            .post("/v1/exports", Role.PUBLIC, create);

    private Router.Match match(String method, String path) {
        Optional<Router.Match> m = router.match(method, path);
        assertThat(m).as("%s %s", method, path).isPresent();
        return m.get();
    }

    @Test
    void literalRouteBeatsAnEarlierParameterRoute() {
        Router.Match m = match("GET", "/v1/streams");

        assertThat(m.route().handler()).isSameAs(streamsApi);
        assertThat(m.params()).isEmpty();
    }

    @Test
    void parametersAreCaptured() {
        Router.Match m = match("GET", "/live/door");

        assertThat(m.route().handler()).isSameAs(anyPair);
        assertThat(m.params()).isEqualTo(Map.of("app", "live", "stream", "door"));
    }

    @Test
    void moreLiteralSegmentsWinOverTheRestParameter() {
        Router.Match m = match("GET", "/live/door/index.m3u8");

        assertThat(m.route().handler()).isSameAs(playlist);
        assertThat(m.params()).isEqualTo(Map.of("app", "live", "stream", "door"));
    }

    @Test
    void restParameterCapturesTheRemainingPath() {
        Router.Match m = match("GET", "/live/door/2024/03/05/23/s-0000000001.m4s");

        assertThat(m.route().handler()).isSameAs(objects);
        assertThat(m.params())
                .containsEntry("rest", "2024/03/05/23/s-0000000001.m4s")
                .containsEntry("app", "live");
    }

    @Test
    void earlierRegistrationWinsAmongEquals() {
        Handler first = r -> Response.empty(200);
        Handler second = r -> Response.empty(200);
        Router r = new Router(AccessControl.open())
                .get("/{a}/x", Role.PUBLIC, first)
                .get("/{b}/x", Role.PUBLIC, second);

        assertThat(r.match("GET", "/q/x")).get().satisfies(m -> {
            assertThat(m.route().handler()).isSameAs(first);
            assertThat(m.params()).containsOnlyKeys("a");
        });
    }

    @Test
    void headIsServedByGetRoutes() {
        assertThat(match("HEAD", "/v1/streams").route().handler()).isSameAs(streamsApi);
    }

    @Test
    void otherMethodOnAKnownPathIsMethodNotAllowed() {
        Router.Match m = match("POST", "/v1/streams");
        assertThat(m.methodAllowed()).isFalse();
        assertThat(m.route()).isNull();

        assertThat(match("POST", "/v1/exports").methodAllowed()).isTrue();
        assertThat(match("DELETE", "/v1/exports").methodAllowed()).isFalse();
        // a literal route for another method does not hide a parameter route for this one
        assertThat(match("GET", "/v1/exports").route().handler()).isSameAs(anyPair);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "", "/live", "/v1/exports/1/2/3/4/5/x", "//door", "/live//index.m3u8"})
    void unknownPathsMatchNothing(String path) {
        Router r = new Router(AccessControl.open())
                .get("/{app}/{stream}", Role.PUBLIC, anyPair)
                .get("/{app}/{stream}/index.m3u8", Role.PUBLIC, playlist)
                .post("/v1/exports", Role.PUBLIC, create);

        assertThat(r.match("GET", path)).isEmpty();
    }

    @Test
    void restParameterNeedsAtLeastOneSegment() {
        Router r = new Router(AccessControl.open()).get("/files/{rest*}", Role.PUBLIC, objects);

        assertThat(r.match("GET", "/files")).isEmpty();
        assertThat(r.match("GET", "/files/a"))
                .get()
                .extracting(m -> m.params().get("rest"))
                .isEqualTo("a");
    }

    @Test
    void includeRegistersAGroupOfRoutes() {
        Router r = new Router(AccessControl.open())
                .include(g -> g.get("/health", Role.PUBLIC, streamsApi).delete("/x", Role.ADMIN, create));

        assertThat(r.match("GET", "/health"))
                .get()
                .extracting(m -> m.route().handler())
                .isSameAs(streamsApi);
        assertThat(r.match("DELETE", "/x"))
                .get()
                .extracting(Router.Match::methodAllowed)
                .isEqualTo(true);
    }
}
