package io.kvr.runtime.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Keeps credentials out of logs, metrics, API responses and exception messages. */
public final class Secrets {
    // scheme://user:pass@host  or  scheme://user@host; up to the last @ before the path, as FFmpeg splits
    // rtsp://user:p@ss@host (a raw @ in the password)
    private static final Pattern URL_USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\\s]+@");

    private Secrets() {
    }

    /** Replaces {@code user:pass@} in every URL inside {@code text} with {@code ***@}. */
    public static String redactUrl(String text) {
        if (text == null) {
            return null;
        }
        return URL_USERINFO.matcher(text).replaceAll("$1***@");
    }

    public static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas") || k.endsWith(".key")
                || k.contains("token");
    }
}
