package io.kvr.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Flat key/value configuration, layered in a fixed order: defaults, a properties file, environment variables,
 * explicit overrides (command line). Typed getters collect problems instead of throwing one at a time, so
 * {@link #validate()} reports every bad key at once.
 *
 * <p>Environment variables {@code KVR_SOME_KEY} override key {@code some.key} (lower case, {@code _} becomes
 * {@code .}). Kafka client settings live under {@code kafka.} and are passed through to the clients untouched.
 */
public final class Settings {
    public static final String ENV_PREFIX = "KVR_";

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(new TreeMap<>(values));
    }

    /** Loads in order: defaults, file (when given), environment, overrides. */
    public static Settings load(
            Map<String, String> defaults, Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(defaults);
        if (file != null) {
            merged.putAll(readFile(file));
        }
        merged.putAll(fromEnvironment(env));
        merged.putAll(overrides);
        List<String> problems = new ArrayList<>();
        SecretFiles.resolve(merged, problems);
        Settings settings = new Settings(merged);
        settings.problems.addAll(problems);
        return settings;
    }

    static Map<String, String> readFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read config file " + file + ": " + e.getMessage()));
        }
        Map<String, String> out = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k).trim()));
        return out;
    }

    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                out.put(
                        k.substring(ENV_PREFIX.length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        v);
            }
        });
        return out;
    }

    public String string(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : v;
    }

    public String required(String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            problems.add(key + ": required");
            return "";
        }
        return v;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        // in range, so the narrowing is exact
        return (int) longValue(key, defaultValue, min, max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(v.trim());
            if (parsed < min || parsed > max) {
                problems.add(key + ": " + parsed + " is outside " + min + ".." + max);
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + v + "' is not a whole number");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> {
                problems.add(key + ": '" + v + "' is not true/false");
                yield defaultValue;
            }
        };
    }

    /** Durations in milliseconds, or with a unit suffix: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 24h}, {@code 7d}. */
    public Duration duration(String key, Duration defaultValue) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return parseDuration(v.trim());
        } catch (IllegalArgumentException e) {
            problems.add(key + ": '" + v + "' is not a duration (e.g. 500ms, 5s, 2m, 24h, 7d)");
            return defaultValue;
        }
    }

    static Duration parseDuration(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            char unit = s.charAt(s.length() - 1);
            if (unit >= '0' && unit <= '9') {
                return Duration.ofMillis(Long.parseLong(s));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException(v);
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException(v, e);
        }
    }

    /** All keys under {@code prefix} with the prefix removed, e.g. {@code kafka.} pass-through settings. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Throws one {@link ConfigException} naming every problem met so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(List.copyOf(problems));
        }
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** Values of keys that look secret are hidden, so the whole config can be logged. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, Secrets.looksSecret(k) ? "******" : Secrets.redactUrl(v)));
        return shown.toString();
    }
}
