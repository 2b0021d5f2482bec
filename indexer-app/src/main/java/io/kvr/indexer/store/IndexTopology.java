package io.kvr.indexer.store;

import io.kvr.indexer.retention.Retention;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The indexer's topology, a pure function of the segments topic name (runs in TopologyTestDriver too). */
public final class IndexTopology {
    public static final String SEGMENTS_STORE = "segments-by-time";
    public static final String STREAMS_STORE = "streams";

    private IndexTopology() {}

    public static Topology build(String segmentsTopic) {
        return build(segmentsTopic, null);
    }

    /** With {@code retention} (null: keep everything), a periodic sweep deletes expired segments. */
    public static Topology build(String segmentsTopic, Retention retention) {
        Topology topology = new Topology();
        topology.addSource(
                "segments", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), segmentsTopic);
        topology.addProcessor("index", () -> new SegmentIndexer(retention), "segments");
        // persistent RocksDB stores with compacted changelogs: restored after a restart or on another instance
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(SEGMENTS_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                "index");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STREAMS_STORE), Serdes.String(), Serdes.ByteArray()),
                "index");
        return topology;
    }

    /**
     * The topics Kafka Streams keeps for this topology: one compacted changelog per store, named
     * {@code <applicationId>-<store>-changelog}, with as many partitions as the segments topic (no repartition
     * topics: the segments topic is already keyed by stream). Operators who may not let apps create topics
     * create these too ({@code kvr topics --print}).
     */
    public static java.util.List<io.kvr.runtime.kafka.Topic<byte[], byte[]>> internalTopics(
            String applicationId, io.kvr.runtime.config.TopicNames names) {
        return java.util.stream.Stream.of(SEGMENTS_STORE, STREAMS_STORE)
                .map(store -> io.kvr.runtime.kafka.Topic.untyped(
                        applicationId + "-" + store + "-changelog",
                        names.partitions(),
                        names.replicationFactor(),
                        java.util.Map.of("cleanup.policy", "compact")))
                .toList();
    }
}
