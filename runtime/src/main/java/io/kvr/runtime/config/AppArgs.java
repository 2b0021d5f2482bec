package io.kvr.runtime.config;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Command line of every app's {@code main}: {@code [--config FILE] [key=value ...]}, with {@code --config=FILE} too
 * and {@code --help}. The file may also come from {@code KVR_CONFIG}. Order: defaults, file, environment
 * ({@code KVR_*}), command line.
 */
public final class AppArgs {
    private static final String SYNOPSIS = "[--config FILE] [key=value ...]";

    private AppArgs() {}

    /** What an app's command line asks for; {@code usage} is its help text. */
    record Request(Path configFile, Map<String, String> overrides, boolean help, String usage) {}

    /**
     * The settings of app {@code app}'s {@code main} (its name in the usage). {@code --help} prints the usage and ends
     * the process with 0: it is the app's whole command line.
     *
     * @throws ConfigException for an argument that is neither {@code --config} nor {@code key=value}, or a config
     *                         file that cannot be read
     */
    public static Settings load(String app, String[] args, Map<String, String> defaults) {
        Request request = parse(app, args);
        if (request.help()) {
            System.out.print(request.usage());
            System.out.flush();
            System.exit(0);
        }
        return settings(request, defaults, System.getenv());
    }

    static Request parse(String app, String[] args) {
        CommandSpec spec = CommandSpec.create().name(app);
        spec.usageMessage()
                .synopsisHeading("usage: ")
                .customSynopsis(app + " " + SYNOPSIS)
                .sortOptions(false)
                .description("settings: defaults, then FILE (or KVR_CONFIG), then KVR_* environment variables, "
                        + "then key=value")
                .descriptionHeading("%n")
                .parameterListHeading("%n")
                .optionListHeading("%noptions:%n");
        spec.addOption(OptionSpec.builder("--config")
                .paramLabel("FILE")
                .type(Path.class)
                .description("properties file with the app's settings")
                .build());
        spec.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("prints this help")
                .build());
        spec.addPositional(PositionalParamSpec.builder()
                .paramLabel("key=value")
                .arity("0..*")
                .type(List.class)
                .auxiliaryTypes(String.class)
                .description("any setting, e.g. http.port=8081")
                .build());
        CommandLine line = new CommandLine(spec)
                // an argument starting with @ is a value, never a file of arguments to read
                .setExpandAtFiles(false)
                .setOverwrittenOptionsAllowed(true)
                .setUsageHelpWidth(100);
        ParseResult result;
        try {
            result = line.parseArgs(args);
        } catch (UnmatchedArgumentException e) {
            throw unknown(e.getUnmatched().isEmpty() ? "" : e.getUnmatched().getFirst());
        } catch (ParameterException e) {
            throw new ConfigException(List.of(Secrets.redactUrl(e.getMessage()) + "; usage: " + SYNOPSIS));
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> settings = result.matchedPositionalValue(0, List.of());
        for (String a : settings) {
            if (a.startsWith("-") || a.indexOf('=') <= 0) {
                throw unknown(a);
            }
            overrides.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        StringWriter usage = new StringWriter();
        line.usage(new PrintWriter(usage));
        return new Request(
                result.matchedOptionValue("--config", null),
                overrides,
                result.isUsageHelpRequested(),
                usage.toString());
    }

    static Settings settings(Request request, Map<String, String> defaults, Map<String, String> environment) {
        Path file = request.configFile();
        String envFile = environment.get("KVR_CONFIG");
        if (file == null && envFile != null && !envFile.isBlank()) {
            file = Path.of(envFile);
        }
        if (file != null && !Files.isReadable(file)) {
            throw new ConfigException(List.of("config file " + file + " is not readable"));
        }
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.remove("KVR_CONFIG");
        return Settings.load(defaults, file, env, request.overrides());
    }

    private static ConfigException unknown(String argument) {
        return new ConfigException(
                List.of("unknown argument '" + Secrets.redactUrl(argument) + "'; usage: " + SYNOPSIS));
    }
}
