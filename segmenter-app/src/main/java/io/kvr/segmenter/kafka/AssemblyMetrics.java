package io.kvr.segmenter.kafka;

import io.kvr.mediatopic.AccessUnitAssembler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Carries an assembler's running counts of put-together and dropped chunked units over to counters. */
final class AssemblyMetrics {
    private final AccessUnitAssembler assembler;
    private final Counter chunkedUnits;
    private final Counter incompleteUnits;
    private long countedAssembled;
    private long countedDropped;

    AssemblyMetrics(AccessUnitAssembler assembler, MeterRegistry metrics) {
        this.assembler = assembler;
        this.chunkedUnits = Counter.builder("kvr_segmenter_chunked_units")
                .description("access units read as several chunk records and put back together")
                .register(metrics);
        this.incompleteUnits = Counter.builder("kvr_segmenter_incomplete_units")
                .description("chunked access units dropped because their chunks did not all follow")
                .register(metrics);
    }

    /** Adds what the assembler counted since the last call. */
    void update() {
        if (assembler.assembled() != countedAssembled) {
            chunkedUnits.increment(assembler.assembled() - countedAssembled);
            countedAssembled = assembler.assembled();
        }
        if (assembler.dropped() != countedDropped) {
            incompleteUnits.increment(assembler.dropped() - countedDropped);
            countedDropped = assembler.dropped();
        }
    }
}
