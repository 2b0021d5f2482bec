package io.kvr.segmenter;

import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.runtime.kafka.TopicProvisioner;
import io.kvr.runtime.storage.ObjectKeys;
import io.kvr.runtime.storage.ObjectStore;
import io.kvr.segmenter.kafka.MediaConsumer;
import io.kvr.segmenter.storage.SegmentStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/** The segmenter service: topics and bucket ensured, then the consumer loop on its own thread. */
public final class Segmenter implements AutoCloseable {
    private final MediaConsumer consumer;

    private Segmenter(MediaConsumer consumer) {
        this.consumer = consumer;
    }

    public static Segmenter start(SegmenterConfig config, MeterRegistry metrics) {
        new TopicProvisioner(config.kafka().clientConfig(Map.of())).ensure(KvrTopics.all(config.kafka().topics()));
        ObjectStore store = new ObjectStore(config.s3());
        store.ensureBucket();
        MediaConsumer consumer = new MediaConsumer(config.kafka(), config.groupId(), new ObjectKeys(config.s3().prefix()),
                store.bucket(), config.targetDurationMs(), new SegmentStore(store), metrics);
        return new Segmenter(consumer.start());
    }

    public boolean alive() {
        return consumer.alive();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
