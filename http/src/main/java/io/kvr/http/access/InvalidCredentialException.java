package io.kvr.http.access;

/** A credential that is malformed, forged, or no longer valid; its message is safe to show to the client. */
public final class InvalidCredentialException extends RuntimeException {
    public InvalidCredentialException(String reason) {
        super(reason, null, false, false);
    }
}
