package io.kvr.embedded;

/**
 * The failures of the embedded servers. Bad configuration is reported as {@link IllegalArgumentException} when a
 * config record is built; what is left are servers that could not start or stop.
 */
public abstract sealed class EmbeddedException extends RuntimeException
        permits EmbeddedException.StartFailed, EmbeddedException.StopFailed {

    private static final long serialVersionUID = 1L;

    private EmbeddedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A server did not come up (port in use, unreadable data directory, time-out waiting for readiness...). */
    public static final class StartFailed extends EmbeddedException {
        private static final long serialVersionUID = 1L;

        public StartFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A server did not shut down cleanly. */
    public static final class StopFailed extends EmbeddedException {
        private static final long serialVersionUID = 1L;

        public StopFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
