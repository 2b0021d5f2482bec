package io.kvr.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvr.http.InvalidJsonException;
import io.kvr.http.Json;
import io.kvr.runtime.stream.StreamName;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON form of a policy ({@code PUT/GET /v1/policies/{app}}):
 * <pre>
 * {"recording": true, "segment_duration_ms": 2000, "retention_ms": 604800000, "storage_prefix": "archive",
 *  "streams": {"door": {"recording": false}, "yard": {"segment_duration_ms": 4000}}}
 * </pre>
 * Every field is optional; an omitted or null field inherits (the application's from the installation's defaults,
 * a stream's from the application). Unknown fields are refused (a typo must not silently keep recording), except
 * those a {@code GET} answers ({@code app}, which must name the same application, {@code effective},
 * {@code stored}, {@code updated_at_ms}, {@code updated_by}), so a policy read can be edited and put back.
 * Every problem is named in one message.
 */
public final class PolicyJson {
    private static final Set<String> SETTINGS =
            Set.of("recording", "segment_duration_ms", "retention_ms", "storage_prefix");
    private static final Set<String> ANSWERED =
            Set.of("app", "effective", "stored", "updated_at_ms", "updated_by", "streams");

    private PolicyJson() {}

    /** Parses and validates the body of a PUT for {@code app}. */
    public static AppPolicy parse(String app, byte[] body, long nowMs, String writer) {
        if (!StreamName.isValidPart(app)) {
            throw new InvalidPolicyException(List.of(
                    "application name '" + app + "' must be 1-64 characters of A-Z a-z 0-9 . _ - (and not . or ..)"));
        }
        JsonNode root;
        try {
            root = Json.tree(body);
        } catch (InvalidJsonException e) {
            throw new InvalidPolicyException(List.of(e.getMessage()));
        }
        if (!root.isObject()) {
            throw new InvalidPolicyException(List.of("body must be a JSON object, e.g. {\"recording\": false}"));
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!SETTINGS.contains(field) && !ANSWERED.contains(field)) {
                problems.add("unknown field '" + printable(field) + "' (known: recording, segment_duration_ms, "
                        + "retention_ms, storage_prefix, streams)");
            }
        }
        JsonNode named = root.get("app");
        if (named != null
                && !named.isNull()
                && !(named.isTextual() && named.textValue().equals(app))) {
            problems.add("app: the body names another application than the URL");
        }
        PolicySettings settings = settings(root, "", problems);
        Map<String, PolicySettings> streams = new TreeMap<>();
        JsonNode s = root.get("streams");
        if (s != null && !s.isNull()) {
            if (!s.isObject()) {
                problems.add("streams: must be an object of stream name to override");
            } else {
                for (var e : s.properties()) {
                    String stream = e.getKey();
                    String where = "streams." + printable(stream) + ".";
                    if (!StreamName.isValidPart(stream)) {
                        problems.add("streams: stream name '" + printable(stream)
                                + "' must be 1-64 characters of A-Z a-z 0-9 . _ - (and not . or ..)");
                        continue;
                    }
                    if (!e.getValue().isObject()) {
                        problems.add(where + ": must be an object with any of recording, segment_duration_ms, "
                                + "retention_ms, storage_prefix");
                        continue;
                    }
                    for (Iterator<String> it = e.getValue().fieldNames(); it.hasNext(); ) {
                        String field = it.next();
                        if (!SETTINGS.contains(field)) {
                            problems.add(where + printable(field) + ": unknown field (known: recording, "
                                    + "segment_duration_ms, retention_ms, storage_prefix)");
                        }
                    }
                    PolicySettings override = settings(e.getValue(), where, problems);
                    if (!override.inheritsAll()) {
                        streams.put(stream, override);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        return new AppPolicy(app, settings, streams, nowMs, writer);
    }

    private static PolicySettings settings(JsonNode node, String where, List<String> problems) {
        Boolean recording = null;
        JsonNode r = node.get("recording");
        if (r != null && !r.isNull()) {
            if (r.isBoolean()) {
                recording = r.booleanValue();
            } else {
                problems.add(where + "recording: must be true or false");
            }
        }
        Long duration = whole(node, "segment_duration_ms", where, problems);
        Long retention = whole(node, "retention_ms", where, problems);
        String prefix = null;
        JsonNode p = node.get("storage_prefix");
        if (p != null && !p.isNull()) {
            if (p.isTextual()) {
                prefix = PolicySettings.normalizePrefix(p.textValue());
            } else {
                problems.add(where + "storage_prefix: must be a string");
            }
        }
        PolicySettings settings = new PolicySettings(recording, duration, retention, prefix);
        problems.addAll(settings.problems(where));
        return settings;
    }

    private static Long whole(JsonNode node, String field, String where, List<String> problems) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            problems.add(where + field + ": must be a whole number of milliseconds");
            return null;
        }
        return n.longValue();
    }

    /**
     * A policy as answered: the stored fields (null where they inherit), the overrides, and under
     * {@code effective} what applies to the application's streams without an override.
     */
    public static Map<String, Object> view(String app, AppPolicy stored, PolicyDefaults defaults) {
        PolicySettings s = stored == null ? PolicySettings.INHERIT : stored.settings();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", app);
        putSettings(out, s, true);
        Map<String, Object> streams = new TreeMap<>();
        if (stored != null) {
            stored.streams().forEach((stream, o) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                putSettings(m, o, false);
                streams.put(stream, m);
            });
        }
        out.put("streams", streams);
        EffectivePolicy e = AppPolicy.merge(s, defaults);
        Map<String, Object> effective = new LinkedHashMap<>();
        effective.put("recording", e.recording());
        effective.put("segment_duration_ms", e.segmentDurationMs());
        effective.put("retention_ms", e.retentionMs());
        effective.put("storage_prefix", PolicySettings.normalizePrefix(e.keyPrefix()));
        out.put("effective", effective);
        out.put("stored", stored != null);
        out.put("updated_at_ms", stored == null ? null : stored.updatedAtMs());
        out.put("updated_by", stored == null ? null : stored.updatedBy());
        return out;
    }

    private static void putSettings(Map<String, Object> out, PolicySettings s, boolean withNulls) {
        put(out, "recording", s.recording(), withNulls);
        put(out, "segment_duration_ms", s.segmentDurationMs(), withNulls);
        put(out, "retention_ms", s.retentionMs(), withNulls);
        put(out, "storage_prefix", s.storagePrefix(), withNulls);
    }

    private static void put(Map<String, Object> out, String key, Object value, boolean withNulls) {
        if (value != null || withNulls) {
            out.put(key, value);
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 80); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
