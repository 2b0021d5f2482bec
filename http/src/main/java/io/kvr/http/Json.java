package io.kvr.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * kvr's one JSON reader and writer. Reading is bounded ({@value #MAX_DEPTH} levels of nesting, strings of
 * {@value #MAX_STRING_LENGTH} characters, numbers of {@value #MAX_NUMBER_LENGTH} digits), strict (one value per
 * body, no duplicate fields) and says what is wrong without quoting the body, which may hold a credential.
 * Writing uses Jackson's defaults: the answers' form is a contract.
 */
public final class Json {
    public static final int MAX_DEPTH = 64;
    public static final int MAX_STRING_LENGTH = 1024 * 1024;
    public static final int MAX_NUMBER_LENGTH = 100;

    // never handed out, so nothing can reconfigure it; readers and writers derived from it are immutable
    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /**
     * A request body as a tree: {@link MissingNode} when the body is empty; {@link InvalidJsonException} (its
     * message fit for a 400) when it is not one JSON value within the limits.
     */
    public static JsonNode tree(byte[] body) {
        if (body == null || body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode root = MAPPER.readTree(body);
            return root == null ? MissingNode.getInstance() : root;
        } catch (StreamConstraintsException e) {
            throw new InvalidJsonException(limitExceeded(e));
        } catch (JacksonException e) {
            throw new InvalidJsonException(malformed(e));
        } catch (IOException e) {
            throw new InvalidJsonException("body is not valid JSON");
        }
    }

    /** A request body as a tree, or a 400 saying why it is not one. */
    public static JsonNode requestBody(byte[] body) {
        try {
            return tree(body);
        } catch (InvalidJsonException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /** Reads one value of {@code type} (e.g. another kvr process' answer) within the same limits. */
    public static <T> T read(InputStream in, Class<T> type) throws IOException {
        return MAPPER.readValue(in, type);
    }

    public static <T> T read(InputStream in, TypeReference<T> type) throws IOException {
        return MAPPER.readValue(in, type);
    }

    /** {@code value} as JSON bytes (maps, lists, records, strings, numbers, booleans). */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String limitExceeded(StreamConstraintsException e) {
        String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (what.contains("nesting depth")) {
            return "body is refused: JSON nested deeper than " + MAX_DEPTH + " levels";
        }
        if (what.startsWith("String value length")) {
            return "body is refused: a JSON string longer than " + MAX_STRING_LENGTH + " characters";
        }
        if (what.startsWith("Number value length")) {
            return "body is refused: a JSON number longer than " + MAX_NUMBER_LENGTH + " characters";
        }
        return "body is refused: it exceeds a JSON limit (nesting " + MAX_DEPTH + " levels, strings of "
                + MAX_STRING_LENGTH + " characters, numbers of " + MAX_NUMBER_LENGTH + " characters)";
    }

    /** Jackson's message may quote the body; only a duplicate field's name is repeated, shortened. */
    private static String malformed(JacksonException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String what = original.startsWith("Duplicate field")
                ? ": " + printable(original.lines().findFirst().orElse(""))
                : "";
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return "body is not valid JSON" + what + where;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
