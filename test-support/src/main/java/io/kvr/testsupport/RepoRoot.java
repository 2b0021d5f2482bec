package io.kvr.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the kvr repository root (the directory holding {@code dev/test-camera.py}). */
public final class RepoRoot {
    /** System property that overrides the search. */
    public static final String PROPERTY = "kvr.repo.root";

    static final String MARKER = "dev/test-camera.py";

    private RepoRoot() {}

    /**
     * Walks up from the working directory (Maven runs tests in the module directory) until a directory
     * containing {@code dev/test-camera.py} is found; {@code -Dkvr.repo.root=...} overrides.
     *
     * @throws IllegalStateException if none is found
     */
    public static Path find() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p.resolve(MARKER))) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + p + " has no " + MARKER);
            }
            return p;
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(MARKER))) {
                return dir;
            }
        }
        throw new IllegalStateException("kvr repository root not found: no " + MARKER + " in " + start
                + " or any parent directory (set -D" + PROPERTY + "=<repo root>)");
    }
}
