package io.kvr.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyJsonTest {
    private static final PolicyDefaults DEFAULTS = new PolicyDefaults(2000, "");

    private static AppPolicy parse(String json) {
        return PolicyJson.parse("live", json.getBytes(StandardCharsets.UTF_8), 42, "test");
    }

    @Test
    void parsesEveryFieldAndOverrides() {
        AppPolicy p = parse("""
                {"recording": false, "segment_duration_ms": 4000, "retention_ms": 604800000,
                 "storage_prefix": "/archive/site-a/",
                 "streams": {"door": {"recording": true}, "yard": {"segment_duration_ms": 1000, "storage_prefix": ""},
                             "empty": {}}}""");
        assertThat(p.app()).isEqualTo("live");
        assertThat(p.settings()).isEqualTo(new PolicySettings(false, 4000L, 604_800_000L, "archive/site-a"));
        assertThat(p.streams()).containsOnlyKeys("door", "yard");
        assertThat(p.streams().get("door")).isEqualTo(new PolicySettings(true, null, null, null));
        assertThat(p.streams().get("yard")).isEqualTo(new PolicySettings(null, 1000L, null, ""));
        assertThat(p.updatedAtMs()).isEqualTo(42);
        assertThat(p.updatedBy()).isEqualTo("test");
    }

    @Test
    void anEmptyObjectInheritsEverything() {
        AppPolicy p = parse("{}");
        assertThat(p.settings().inheritsAll()).isTrue();
        assertThat(p.effective("door", DEFAULTS)).isEqualTo(new EffectivePolicy(true, 2000, 0, ""));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json                                   | body is not valid JSON",
                "[1]                                        | body must be a JSON object",
                "{\"recording\": \"no\"}                    | recording: must be true or false",
                "{\"segment_duration_ms\": 999}             | segment_duration_ms: 999 is outside 1000..10000",
                "{\"segment_duration_ms\": 10001}           | segment_duration_ms: 10001 is outside 1000..10000",
                "{\"segment_duration_ms\": 2.5}             | segment_duration_ms: must be a whole number",
                "{\"retention_ms\": 29999}                  | retention_ms: 29999 must be 0 (keep forever) or 30000",
                "{\"retention_ms\": -1}                     | retention_ms: -1 must be 0",
                "{\"storage_prefix\": \"a/../b\"}           | storage_prefix: must be parts",
                "{\"storage_prefix\": \"a b\"}              | storage_prefix: must be parts",
                "{\"storage_prefix\": 7}                    | storage_prefix: must be a string",
                "{\"retention\": 30000}                     | unknown field 'retention'",
                "{\"app\": \"other\"}                       | app: the body names another application",
                "{\"streams\": []}                          | streams: must be an object",
                "{\"streams\": {\"a/b\": {}}}               | streams: stream name 'a/b'",
                "{\"streams\": {\"door\": {\"recording\": 1}}} | streams.door.recording: must be true or false",
                "{\"streams\": {\"door\": {\"paused\": true}}} | streams.door.paused: unknown field",
                "{\"recording\": true, \"recording\": false} | body is not valid JSON",
            })
    void refusesBadInputNamingTheProblem(String body, String problem) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void hostileBodiesAreRefusedAsBadInput() {
        assertThatThrownBy(() -> parse("[".repeat(200_000)))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("nested deeper than 64 levels");
        assertThatThrownBy(() -> parse("{\"streams\": " + "{\"a\": ".repeat(100_000)))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("nested deeper than 64 levels");
        assertThatThrownBy(() -> parse("{\"storage_prefix\": \"" + "a".repeat(1_100_000) + "\"}"))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("string longer than");
        assertThatThrownBy(() -> parse("{\"retention_ms\": " + "9".repeat(5000) + "}"))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("number longer than");
        assertThatThrownBy(() -> parse("{\"retention_ms\": " + "9".repeat(50) + "}"))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("retention_ms: must be a whole number");
        assertThatThrownBy(() -> parse(""))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("body must be a JSON object");
    }

    @Test
    void namesEveryProblemAtOnce() {
        assertThatThrownBy(() -> parse("{\"segment_duration_ms\": 1, \"retention_ms\": 5, \"x\": 1}"))
                .isInstanceOfSatisfying(
                        InvalidPolicyException.class,
                        e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void refusesABadApplicationName() {
        assertThatThrownBy(() -> PolicyJson.parse("..", "{}".getBytes(StandardCharsets.UTF_8), 0, "t"))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("application name");
    }

    @Test
    void aViewPutBackIsTheSamePolicy() throws Exception {
        AppPolicy p = parse(
                "{\"recording\": false, \"retention_ms\": 60000, \"streams\": {\"door\": {\"recording\": true}}}");
        Map<String, Object> view = PolicyJson.view("live", p, DEFAULTS);
        assertThat(view)
                .containsEntry("recording", false)
                .containsEntry("segment_duration_ms", null)
                .containsEntry("stored", true);
        assertThat(view.get("effective"))
                .isEqualTo(Map.of(
                        "recording",
                        false,
                        "segment_duration_ms",
                        2000L,
                        "retention_ms",
                        60_000L,
                        "storage_prefix",
                        ""));
        byte[] json = new ObjectMapper().writeValueAsBytes(view);
        AppPolicy again = PolicyJson.parse("live", json, 42, "test");
        assertThat(again).isEqualTo(p);
    }

    @Test
    void storedFormRoundTrips() {
        AppPolicy p = parse(
                "{\"recording\": false, \"storage_prefix\": \"x\", \"streams\": {\"door\": {\"retention_ms\": 0}}}");
        PolicyRecords records = new PolicyRecords();
        assertThat(records.decode(records.encode(p))).isEqualTo(p);
    }
}
