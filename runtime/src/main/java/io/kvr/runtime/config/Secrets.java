package io.kvr.runtime.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of logs, metrics, API responses, Kafka records and exception messages. {@link #redactUrl}
 * is the one redaction of URLs: every place that shows a URL, or a text that may quote one, passes it through it.
 */
public final class Secrets {
    /** What a redacted secret reads as. */
    public static final String MASK = "***";

    // scheme://user:pass@host  or  scheme://user@host; up to the last @ before the path, as FFmpeg splits
    // rtsp://user:p@ss@host (a raw @ in the password). A scheme starts after a character that cannot be part of
    // it, so a long run of letters is read once, not once per letter.
    private static final Pattern URL_USERINFO =
            Pattern.compile("(?<![a-zA-Z0-9+.-])([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\\s]+@");
    // the name of a name=value pair where a query, a fragment, a ;-parameter or a path segment starts, or alone in
    // a text; its value is found by secretValues
    private static final Pattern PARAMETER_NAME = Pattern.compile("(?:^|[?&;#/\\s])([^=&?#;/\\s]+)=");
    private static final List<String> SECRET_PARAMETER_WORDS =
            List.of("password", "pass", "pwd", "token", "key", "secret", "auth", "signature");

    private Secrets() {}

    /**
     * Redacts every URL inside {@code text}: {@code user:pass@} becomes {@code ***@}, and the value of every query
     * parameter whose name looks secret ({@link #isSecretParameter}) becomes {@code ***}, e.g.
     * {@code rtsp://***@10.0.0.5/live?user=admin&password=***}. Never throws; anything that is not a URL stays as
     * it is, apart from secret-looking {@code name=value} pairs, which are redacted wherever they stand.
     */
    public static String redactUrl(String text) {
        if (text == null) {
            return null;
        }
        String withoutUserinfo = URL_USERINFO.matcher(text).replaceAll("$1" + MASK + "@");
        StringBuilder out = new StringBuilder(withoutUserinfo.length());
        int copied = 0;
        for (Value v : secretValues(withoutUserinfo)) {
            out.append(withoutUserinfo, copied, v.start()).append(MASK);
            copied = v.end();
        }
        return out.append(withoutUserinfo, copied, withoutUserinfo.length()).toString();
    }

    /**
     * Whether {@code url} holds what {@link #redactUrl} leaves of a secret ({@code ***@} or a secret-looking
     * parameter whose value is {@code ***}): such a URL was read back from an answer and must not replace the real
     * one.
     */
    public static boolean holdsRedaction(String url) {
        if (url == null) {
            return false;
        }
        if (url.contains("://" + MASK + "@")) {
            return true;
        }
        for (Value v : secretValues(url)) {
            if (url.substring(v.start(), v.end()).equals(MASK)) {
                return true;
            }
        }
        return false;
    }

    /** Where a non-empty value of a secret-looking parameter stands in a text. */
    private record Value(int start, int end) {}

    /**
     * The values of the secret-looking {@code name=value} pairs of {@code text}, in order. A value runs to the next
     * {@code &}, {@code #} or white space; a colon right before white space or the end belongs to the text, as in
     * "cannot open rtsp://host/x?token=abc: refused". One pass over the text.
     */
    private static List<Value> secretValues(String text) {
        List<Value> out = new ArrayList<>();
        Matcher m = PARAMETER_NAME.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            from = m.end();
            if (isSecretParameter(m.group(1))) {
                int end = from;
                while (end < text.length() && !endsValue(text, end)) {
                    end++;
                }
                if (end > from) {
                    out.add(new Value(from, end));
                }
                from = end;
            }
        }
        return out;
    }

    private static boolean endsValue(String text, int i) {
        char c = text.charAt(i);
        if (c == '&' || c == '#' || isSpace(c)) {
            return true;
        }
        return c == ':' && (i + 1 == text.length() || isSpace(text.charAt(i + 1)));
    }

    /** White space as the patterns' {@code \s} knows it. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /**
     * Whether a URL parameter of this name carries a secret: its name, percent-decoded, contains (in any case)
     * {@code password}, {@code pass}, {@code pwd}, {@code token}, {@code key}, {@code secret}, {@code auth} or
     * {@code signature}.
     */
    public static boolean isSecretParameter(String name) {
        String n = percentDecoded(name).toLowerCase(Locale.ROOT);
        for (String word : SECRET_PARAMETER_WORDS) {
            if (n.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a record's generated {@code toString()} shows ({@code Name[a=1, b=x]}), with every URL in it redacted
     * and the values of maps whose keys {@link #looksSecret} hidden: for configuration records that hold URLs or
     * settings, so every component, also one added later, is shown and none leaks.
     */
    public static String redactedToString(Record record) {
        StringBuilder b = new StringBuilder(record.getClass().getSimpleName()).append('[');
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            Object value;
            try {
                value = components[i].getAccessor().invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                value = "?";
            }
            b.append(i == 0 ? "" : ", ")
                    .append(components[i].getName())
                    .append('=')
                    .append(redactedValue(value));
        }
        return b.append(']').toString();
    }

    private static String redactedValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                b.append(b.length() == 1 ? "" : ", ")
                        .append(key)
                        .append('=')
                        .append(looksSecret(key) ? "******" : redactUrl(String.valueOf(e.getValue())));
            }
            return b.append('}').toString();
        }
        return redactUrl(String.valueOf(value));
    }

    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("sasl.jaas")
                || k.endsWith(".key")
                || k.contains("token");
    }

    /**
     * {@code %XX} escapes decoded, each to the character of its byte value (enough to find ASCII words); malformed
     * escapes stay as they are.
     */
    private static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.append((char) (hi * 16 + lo));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
