package io.kvr.exporter.plan;

/** An export that cannot be made, with the HTTP status that says why (400, 404, 409) and a reason for the user. */
public final class ExportRefusedException extends RuntimeException {
    private final int status;
    private final long codecChangeAtMs;

    public ExportRefusedException(int status, String reason) {
        this(status, reason, -1);
    }

    /** {@code codecChangeAtMs}: where the range's codec configuration changes (a 409), or -1. */
    public ExportRefusedException(int status, String reason, long codecChangeAtMs) {
        super(reason, null, false, false);
        this.status = status;
        this.codecChangeAtMs = codecChangeAtMs;
    }

    public int status() {
        return status;
    }

    /**
     * The capture time of the first segment with the new codec configuration when that is why the export was
     * refused, else -1: a job exports the range as one file per configuration, split there.
     */
    public long codecChangeAtMs() {
        return codecChangeAtMs;
    }
}
