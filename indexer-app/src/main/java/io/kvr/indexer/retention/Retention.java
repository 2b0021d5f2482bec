package io.kvr.indexer.retention;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * What the index's retention sweep needs: how often it runs, each stream's retention period, and where to delete
 * objects.
 */
public record Retention(Duration interval, Periods periods, ObjectRemover objects, MeterRegistry metrics) {

    /** A stream's retention period. */
    @FunctionalInterface
    public interface Periods {
        /** Milliseconds; 0 keeps forever; empty while not known (policies not yet read), which deletes nothing. */
        OptionalLong retentionMs(String streamId);
    }

    /** Deletes one object; deleting a missing object succeeds. Throws a RuntimeException when storage fails. */
    @FunctionalInterface
    public interface ObjectRemover {
        void remove(String bucket, String key);
    }
}
