package io.kvr.launcher;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What a {@code kvr} command may touch besides its arguments: the environment ({@code KVR_*} settings), the clock
 * and the two output streams. Tests pass their own.
 */
record CommandContext(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {

    /** The process's own environment, UTC clock, stdout and stderr. */
    static CommandContext system() {
        return new CommandContext(System.getenv(), Clock.systemUTC(), System.out, System.err);
    }
}
