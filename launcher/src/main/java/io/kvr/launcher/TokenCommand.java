package io.kvr.launcher;

import io.kvr.http.access.AccessSettings;
import io.kvr.http.access.Grant;
import io.kvr.http.access.Role;
import io.kvr.http.access.SignedToken;
import io.kvr.runtime.config.ConfigException;
import io.kvr.runtime.config.Settings;
import io.kvr.runtime.stream.StreamName;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvr token --stream APP/STREAM [--role viewer|operator|admin|publisher] [--ttl 1h] [--start MS --end MS]
 * [--config FILE] [key=value ...]}: prints a signed token ({@link SignedToken}, a viewer's unless {@code --role}
 * says otherwise) for {@code ?token=} or {@code Authorization: Bearer}. The secret is {@code access.token.secret}, read
 * like every setting (config file, {@code KVR_ACCESS_TOKEN_SECRET}, or {@code key=value}, which other users
 * of the machine may see in the process list).
 */
@Command(
        name = "token",
        synopsisHeading = "usage: ",
        customSynopsis =
                "kvr token --stream APP/STREAM|APP/*|* [--role viewer|operator|admin|publisher] [--ttl DURATION] "
                        + "[--start MS --end MS] [--config FILE] [key=value ...]",
        description = {
            "prints a signed token (?token= or Authorization: Bearer; a viewer's unless --role says "
                    + "otherwise) made with access.token.secret (README, Access)"
        },
        descriptionHeading = "%n",
        parameterListHeading = "%nsettings:%n",
        optionListHeading = "%noptions:%n")
final class TokenCommand implements Callable<Integer> {
    private final CommandContext context;

    @Option(names = "--stream", paramLabel = "APP/STREAM", description = "the streams it opens: APP/STREAM, APP/* or *")
    String stream;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            converter = ArgumentTypes.RoleName.class,
            description = "viewer (default), operator, admin or publisher (pushes to the RTSP server)")
    Role role = Role.VIEWER;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "how long it is valid, e.g. 30m, 2h (default 1h)")
    String ttl = "1h";

    @Option(
            names = "--start",
            paramLabel = "MS",
            converter = ArgumentTypes.Millis.class,
            description = "first recorded time it opens, unix milliseconds (with --end)")
    Long start;

    @Option(
            names = "--end",
            paramLabel = "MS",
            converter = ArgumentTypes.Millis.class,
            description = "last recorded time it opens, unix milliseconds (with --start)")
    Long end;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with access.token.secret")
    Path config;

    @Parameters(
            paramLabel = "key=value",
            converter = ArgumentTypes.Setting.class,
            description = "any setting, e.g. access.token.secret=… (visible in the process list)")
    List<Map.Entry<String, String>> settings = List.of();

    @Spec
    CommandSpec spec;

    TokenCommand(CommandContext context) {
        this.context = context;
    }

    /** {@code kvr token ...} with this environment, clock and output; the exit status. */
    static int run(String[] args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        return KvrCommand.execute(new CommandContext(env, clock, out, err), args);
    }

    @Override
    public Integer call() {
        if (stream == null) {
            throw usage("--stream is required");
        }
        if (!stream.equals("*")) {
            String app = stream.endsWith("/*") ? stream.substring(0, stream.length() - 2) : null;
            if (app != null ? !StreamName.isValidPart(app) : !isStreamName(stream)) {
                throw usage("--stream must be APP/STREAM, APP/* or *");
            }
        }
        if ((start == null) != (end == null)) {
            throw usage("--start and --end go together");
        }
        try {
            Map<String, String> overrides = new LinkedHashMap<>();
            settings.forEach(s -> overrides.put(s.getKey(), s.getValue()));
            Settings all = Settings.load(Map.of(), config, context.env(), overrides);
            Settings ttlSetting = Settings.of(Map.of("--ttl", ttl));
            Duration lifetime = ttlSetting.duration("--ttl", Duration.ofHours(1));
            ttlSetting.validate();
            AccessSettings access = AccessSettings.from(all);
            all.validate();
            if (access.tokenSecret() == null) {
                throw usage("no access.token.secret: set it in the config file, as "
                        + "KVR_ACCESS_TOKEN_SECRET, or as access.token.secret=…");
            }
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw usage("--ttl must be positive");
            }
            long expires = context.clock().millis() / 1000 + lifetime.toSeconds();
            context.out()
                    .println(new SignedToken(access.tokenSecret()).mint(new Grant(stream, expires, start, end, role)));
            return 0;
        } catch (ConfigException | IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private ParameterException usage(String reason) {
        return new ParameterException(spec.commandLine(), reason);
    }

    private static boolean isStreamName(String id) {
        try {
            StreamName.parse(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
