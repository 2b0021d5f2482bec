package io.kvr.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    @Test
    void parsesFfprobeLikeOutput() {
        String json = """
                {
                    "streams": [
                        { "index": 0, "codec_name": "h264", "width": 640, "r_frame_rate": "25/1",
                          "disposition": { "default": 0 }, "tags": {} }
                    ],
                    "format": { "format_name": "rtsp", "start_time": "0.040000", "probe_score": 100,
                                "x": -1.5e3, "ok": true, "none": null, "esc": "a\\"b\\\\c\\u00e9\\n" },
                    "empty": []
                }
                """;
        Map<String, Object> root = JsonValues.parseObject(json);
        @SuppressWarnings("unchecked")
        Map<String, Object> s0 = (Map<String, Object>) ((List<Object>) root.get("streams")).get(0);
        assertThat(s0)
                .containsEntry("codec_name", "h264")
                .containsEntry("width", 640L)
                .containsEntry("index", 0L);
        @SuppressWarnings("unchecked")
        Map<String, Object> format = (Map<String, Object>) root.get("format");
        assertThat(format)
                .containsEntry("x", -1500.0)
                .containsEntry("ok", true)
                .containsEntry("none", null)
                .containsEntry("esc", "a\"b\\c\u00e9\n");
        assertThat(root.get("empty")).isEqualTo(List.of());
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> JsonValues.parse("{\"a\": 1,}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonValues.parse("[1 2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonValues.parse("{} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonValues.parseObject("[]")).isInstanceOf(IllegalArgumentException.class);
    }
}
