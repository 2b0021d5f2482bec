package io.kvr.runtime.kafka;

import java.util.concurrent.ExecutionException;

/** What went wrong behind a Kafka client's future: the broker's or client's error, not the future's wrapper. */
public final class FailureCause {

    private FailureCause() {}

    /** The cause of an {@link ExecutionException} (when it has one); any other failure as it is. */
    public static Throwable of(Throwable failure) {
        return failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
