package io.kvr.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/**
 * JSON text (tool output such as ffprobe's {@code -of json}, kvr's answers) as plain Java values, read by Jackson:
 * objects become {@code LinkedHashMap<String, Object>}, arrays {@code ArrayList<Object>}, integers {@code Long}
 * (whatever their size), other numbers {@code Double}, plus {@code String}, {@code Boolean} and {@code null}.
 */
public final class JsonValues {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonValues() {}

    /** Parses one JSON value (surrounding whitespace allowed); malformed text is an IllegalArgumentException. */
    public static Object parse(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "malformed JSON (" + e.getOriginalMessage() + "): " + abbreviate(json), e);
        }
    }

    /** Parses a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String json) {
        Object v = parse(json);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object: " + abbreviate(json));
        }
        return (Map<String, Object>) v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
