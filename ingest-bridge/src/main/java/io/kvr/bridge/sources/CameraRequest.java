package io.kvr.bridge.sources;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvr.bridge.camera.CameraUrlPolicy;
import io.kvr.http.HttpError;
import io.kvr.http.Json;
import io.kvr.runtime.stream.StreamName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /v1/cameras}: a JSON object with {@code app}, {@code stream}, {@code url} (required),
 * {@code transport} ({@code tcp} default, {@code udp}, {@code auto}), {@code clock} ({@code camera} default,
 * {@code server}), {@code enabled} (default true) and optional {@code username}/{@code password} (credentials kept
 * apart from the URL; never answered back). Other fields are ignored, so a camera read from {@code GET} can be
 * edited and posted back (with its real URL). The URL must pass the bridge's {@link CameraUrlPolicy}. Every problem
 * is named in one 400 reason.
 */
final class CameraRequest {
    private CameraRequest() {}

    static CameraSpec parse(byte[] body, CameraUrlPolicy urlPolicy) {
        // the reason never quotes the body, which may hold a password
        JsonNode root = Json.requestBody(body);
        if (root.isMissingNode()) {
            throw HttpError.badRequest("body is empty; expected a JSON object with app, stream and url");
        }
        if (!root.isObject()) {
            throw HttpError.badRequest("body must be a JSON object with app, stream and url");
        }
        List<String> problems = new ArrayList<>();
        Set<String> wrongType = new HashSet<>();
        String app = text(root, "app", problems, wrongType);
        String stream = text(root, "stream", problems, wrongType);
        String url = text(root, "url", problems, wrongType);
        String transport = text(root, "transport", problems, wrongType);
        String clock = text(root, "clock", problems, wrongType);
        String username = text(root, "username", problems, wrongType);
        String password = text(root, "password", problems, wrongType);
        boolean enabled = true;
        JsonNode e = root.get("enabled");
        if (e != null && !e.isNull()) {
            if (e.isBoolean()) {
                enabled = e.booleanValue();
            } else {
                problems.add("enabled: must be true or false");
            }
        }
        StreamName name = null;
        if (app == null && !wrongType.contains("app")) {
            problems.add("app: required");
        }
        if (stream == null && !wrongType.contains("stream")) {
            problems.add("stream: required");
        }
        if (app != null && stream != null) {
            try {
                name = new StreamName(app, stream);
            } catch (IllegalArgumentException ex) {
                problems.add(ex.getMessage());
            }
        }
        StreamName checkedName = name != null ? name : new StreamName("x", "x");
        CameraSpec spec = CameraSpec.checked(
                checkedName, url, transport, clock, enabled, username, password, urlPolicy, (field, reason) -> {
                    if (!wrongType.contains(field)) {
                        problems.add(field + ": " + reason);
                    }
                });
        if (!problems.isEmpty()) {
            throw HttpError.badRequest(String.join("; ", problems));
        }
        return spec;
    }

    /** A string field; null when absent or JSON null; a problem when of another type. */
    private static String text(JsonNode root, String field, List<String> problems, Set<String> wrongType) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            problems.add(field + ": must be a string");
            wrongType.add(field);
            return null;
        }
        return n.textValue();
    }
}
