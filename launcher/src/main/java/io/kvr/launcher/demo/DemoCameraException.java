package io.kvr.launcher.demo;

/** The demo camera could not be started (no free port, or the encoder could not be opened). */
public final class DemoCameraException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DemoCameraException(String message, Throwable cause) {
        super(message, cause);
    }
}
