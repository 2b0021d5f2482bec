package io.kvr.exporter.plan;

/** An export that cannot be made, with the HTTP status that says why (400, 404, 409) and a reason for the user. */
public final class ExportRefusedException extends RuntimeException {
    private final int status;

    public ExportRefusedException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
