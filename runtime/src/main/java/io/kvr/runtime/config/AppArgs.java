package io.kvr.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command line of every app's {@code main}: {@code [--config FILE] [key=value ...]}. The file may also come
 * from {@code KVR_CONFIG}. Order: defaults, file, environment ({@code KVR_*}), command line.
 */
public final class AppArgs {
    private AppArgs() {
    }

    public static Settings load(String[] args, Map<String, String> defaults) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                file = Path.of(a.substring("--config=".length()));
            } else if (a.contains("=") && !a.startsWith("-")) {
                overrides.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                throw new ConfigException(java.util.List.of("unknown argument '" + Secrets.redactUrl(a)
                        + "'; usage: [--config FILE] [key=value ...]"));
            }
        }
        String envFile = System.getenv("KVR_CONFIG");
        if (file == null && envFile != null && !envFile.isBlank()) {
            file = Path.of(envFile);
        }
        if (file != null && !Files.isReadable(file)) {
            throw new ConfigException(java.util.List.of("config file " + file + " is not readable"));
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.remove("KVR_CONFIG");
        return Settings.load(defaults, file, env, overrides);
    }
}
