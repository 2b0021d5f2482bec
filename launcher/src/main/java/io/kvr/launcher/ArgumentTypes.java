package io.kvr.launcher;

import io.kvr.http.access.Role;
import io.kvr.runtime.config.Secrets;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value types of kvr's command lines. A converter's message follows the flag's name ({@code --role must be
 * …}) in the usage error, so it reads as the rest of that sentence.
 */
final class ArgumentTypes {
    private ArgumentTypes() {}

    /** {@code HOST:PORT}; an empty host means every interface. */
    record HttpAddress(String host, int port) {}

    /** A TCP port, 0 meaning any free one. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return port(value, "takes a port number (0 = any free port), not '" + value + "'");
        }
    }

    /** {@code --http HOST:PORT}. */
    static final class Http implements ITypeConverter<HttpAddress> {
        @Override
        public HttpAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new TypeConversionException("takes HOST:PORT, e.g. 127.0.0.1:8080");
            }
            String host = value.substring(0, colon);
            return new HttpAddress(
                    host.isEmpty() ? "0.0.0.0" : host,
                    port(
                            value.substring(colon + 1),
                            "takes HOST:PORT, and '" + value.substring(colon + 1) + "' is not a port number"));
        }
    }

    /** {@code --camera APP/STREAM=URL}; the URL may hold credentials, so it is never part of a message. */
    static final class Camera implements ITypeConverter<Map.Entry<String, String>> {
        @Override
        public Map.Entry<String, String> convert(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new TypeConversionException("takes APP/STREAM=URL, e.g. live/door=rtsp://cam/stream");
            }
            return Map.entry(value.substring(0, eq), value.substring(eq + 1));
        }
    }

    /** A {@code key=value} setting after the options; any other word is neither an option nor a setting. */
    static final class Setting implements ITypeConverter<Map.Entry<String, String>> {
        @Override
        public Map.Entry<String, String> convert(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0 || value.startsWith("-")) {
                throw new TypeConversionException(
                        "unknown option '" + Secrets.redactUrl(value) + "' (settings are key=value)");
            }
            return Map.entry(value.substring(0, eq), value.substring(eq + 1));
        }
    }

    /** {@code --role viewer|operator|admin|publisher}. */
    static final class RoleName implements ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            return Role.ofCredential(value)
                    .orElseThrow(() -> new TypeConversionException("must be viewer, operator, admin or publisher"));
        }
    }

    /** Unix milliseconds ({@code --start}, {@code --end}). */
    static final class Millis implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("takes unix milliseconds");
            }
        }
    }

    private static int port(String value, String message) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 0 && p <= 65_535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException(message);
    }
}
