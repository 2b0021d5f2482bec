package io.kvr.indexer.query;

import io.kvr.index.HttpSegmentIndex;
import io.kvr.index.IndexUnavailableException;
import io.kvr.index.IndexedSegment;
import io.kvr.index.SegmentIndex;
import io.kvr.index.StreamSummary;
import io.kvr.indexer.store.IndexTopology;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The index of a group of indexer instances (Kafka Streams interactive queries with routing). A stream's
 * segments live on the instance whose task owns the stream's partition of the segments topic (its key is the
 * stream id); a query for one stream goes to that instance, answered from the local stores when it is this one
 * and over HTTP ({@code local=1}, so it is not forwarded again) otherwise. The list of streams is gathered from
 * every instance. While the group rebalances, queries fail with {@link IndexUnavailableException} (transient).
 */
public final class RoutedSegmentIndex implements SegmentIndex {
    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final SegmentIndex local;
    private final HostInfo self;
    private final Function<HostInfo, SegmentIndex> remote;
    private final Map<HostInfo, SegmentIndex> remotes = new ConcurrentHashMap<>();

    /**
     * @param self this instance's {@code application.server}
     * @param remote the index of another instance (its own stores only)
     */
    public RoutedSegmentIndex(
            KafkaStreams streams, SegmentIndex local, HostInfo self, Function<HostInfo, SegmentIndex> remote) {
        this.streams = streams;
        this.local = local;
        this.self = self;
        this.remote = remote;
    }

    /** Instances reached over their HTTP index routes, with {@code apiKey} (or null) as their credential. */
    public static RoutedSegmentIndex overHttp(KafkaStreams streams, SegmentIndex local, HostInfo self, String apiKey) {
        return new RoutedSegmentIndex(
                streams,
                local,
                self,
                host -> new HttpSegmentIndex(
                        URI.create("http://" + host.host() + ":" + host.port() + "/"), true, apiKey));
    }

    @Override
    public List<StreamSummary> streams() {
        Map<String, StreamSummary> byId = new LinkedHashMap<>();
        for (StreamsMetadata instance : instances()) {
            List<StreamSummary> found = instance.hostInfo().equals(self)
                    ? local.streams()
                    : at(instance.hostInfo()).streams();
            for (StreamSummary s : found) {
                // during a hand-over two instances may both report a stream: the one with more segments is newer
                byId.merge(s.streamId(), s, (a, b) -> a.segments() >= b.segments() ? a : b);
            }
        }
        List<StreamSummary> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(StreamSummary::streamId));
        return out;
    }

    @Override
    public List<IndexedSegment> latest(String streamId, int limit) {
        return owner(streamId).latest(streamId, limit);
    }

    @Override
    public Optional<StreamSummary> summary(String streamId) {
        return owner(streamId).summary(streamId);
    }

    @Override
    public List<IndexedSegment> range(String streamId, long startMs, long endMs) {
        return owner(streamId).range(streamId, startMs, endMs);
    }

    @Override
    public byte[] rangeEncoded(String streamId, long startMs, long endMs) {
        return owner(streamId).rangeEncoded(streamId, startMs, endMs);
    }

    /** The index of the instance owning {@code streamId}'s partition. */
    SegmentIndex owner(String streamId) {
        KeyQueryMetadata owner;
        try {
            owner = streams.queryMetadataForKey(IndexTopology.STREAMS_STORE, streamId, KEYS);
        } catch (StreamsException | IllegalStateException e) {
            throw new IndexUnavailableException("index not queryable yet: " + e.getMessage(), e);
        }
        if (owner == null
                || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)
                || HostInfo.unavailable().equals(owner.activeHost())) {
            throw new IndexUnavailableException(
                    "no indexer instance owns " + streamId + " right now (rebalancing)", null);
        }
        return owner.activeHost().equals(self) ? local : at(owner.activeHost());
    }

    private List<StreamsMetadata> instances() {
        List<StreamsMetadata> out = new ArrayList<>();
        try {
            for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
                // an instance without the store owns no partition now, so holds no stream
                if (m.stateStoreNames().contains(IndexTopology.STREAMS_STORE)) {
                    out.add(m);
                }
            }
        } catch (StreamsException | IllegalStateException e) {
            throw new IndexUnavailableException("index not queryable yet: " + e.getMessage(), e);
        }
        return out;
    }

    private SegmentIndex at(HostInfo host) {
        return remotes.computeIfAbsent(host, remote);
    }
}
