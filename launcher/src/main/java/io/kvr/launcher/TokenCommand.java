package io.kvr.launcher;

import io.kvr.runtime.access.AccessSettings;
import io.kvr.runtime.access.Grant;
import io.kvr.runtime.access.Role;
import io.kvr.runtime.access.SignedToken;
import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.stream.StreamName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kvr token --stream APP/STREAM [--role viewer|operator|admin] [--ttl 1h] [--start MS --end MS]
 * [--config FILE] [key=value ...]}: prints a signed token ({@link SignedToken}, a viewer's unless {@code --role}
 * says otherwise) for {@code ?token=} or {@code Authorization: Bearer}. The secret is {@code access.token.secret}, read
 * like every setting (config file, {@code KVR_ACCESS_TOKEN_SECRET}, or {@code key=value}, which other users
 * of the machine may see in the process list).
 */
final class TokenCommand {
    static final String USAGE = "usage: kvr token --stream APP/STREAM|APP/*|* [--role viewer|operator|admin] "
            + "[--ttl DURATION] [--start MS --end MS] [--config FILE] [key=value ...]\n";

    private TokenCommand() {
    }

    /** Runs the command; the exit status. */
    static int run(String[] args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        String stream = null;
        Role role = Role.VIEWER;
        String ttl = "1h";
        Long start = null;
        Long end = null;
        Path config = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--stream" -> stream = value(args, ++i, a);
                    case "--role" -> role = Role.ofCredential(value(args, ++i, a)).orElseThrow(
                            () -> new IllegalArgumentException("--role must be viewer, operator or admin"));
                    case "--ttl" -> ttl = value(args, ++i, a);
                    case "--start" -> start = number(value(args, ++i, a), a);
                    case "--end" -> end = number(value(args, ++i, a), a);
                    case "--config" -> config = Path.of(value(args, ++i, a));
                    default -> {
                        if (a.startsWith("-") || !a.contains("=")) {
                            throw new IllegalArgumentException("unknown option '" + a + "'");
                        }
                        overrides.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
                    }
                }
            }
            if (stream == null) {
                throw new IllegalArgumentException("--stream is required");
            }
            if (!stream.equals("*")) {
                String app = stream.endsWith("/*") ? stream.substring(0, stream.length() - 2) : null;
                if (app != null ? !StreamName.isValidPart(app) : !isStreamName(stream)) {
                    throw new IllegalArgumentException("--stream must be APP/STREAM, APP/* or *");
                }
            }
            if ((start == null) != (end == null)) {
                throw new IllegalArgumentException("--start and --end go together");
            }
            Settings settings = Settings.load(Map.of(), config, env, overrides);
            Settings ttlSetting = Settings.of(Map.of("--ttl", ttl));
            Duration lifetime = ttlSetting.duration("--ttl", Duration.ofHours(1));
            ttlSetting.validate();
            AccessSettings access = AccessSettings.from(settings);
            settings.validate();
            if (access.tokenSecret() == null) {
                throw new IllegalArgumentException("no access.token.secret: set it in the config file, as "
                        + "KVR_ACCESS_TOKEN_SECRET, or as access.token.secret=…");
            }
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("--ttl must be positive");
            }
            long expires = clock.millis() / 1000 + lifetime.toSeconds();
            out.println(new SignedToken(access.tokenSecret()).mint(new Grant(stream, expires, start, end, role)));
            return 0;
        } catch (IllegalArgumentException | ConfigException e) {
            err.println("kvr token: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }

    private static boolean isStreamName(String id) {
        try {
            StreamName.parse(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static long number(String v, String flag) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes unix milliseconds");
        }
    }
}
