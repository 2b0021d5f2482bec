package io.kvr.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvr.embedded.kafka.EmbeddedKafka;
import io.kvr.runtime.config.KafkaSettings;
import io.kvr.runtime.config.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TopicTable} against a real broker: what was written before it started is all there once it says it is
 * loaded, later writes and tombstones follow, a topic created after it started is waited for, and an unreadable
 * value does not leave a stale one behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicTableIT {
    private static final Duration LOAD = Duration.ofSeconds(30);

    EmbeddedKafka kafka;
    KafkaClients clients;

    @BeforeAll
    void startBroker(@TempDir Path dir) {
        // no topic appears by being asked about: the table must wait for one created later
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(
                dir.resolve("kafka"),
                EmbeddedKafka.Config.DEFAULT_HOST,
                0,
                Map.of("auto.create.topics.enable", "false")));
        clients = new KafkaClients(new KafkaSettings(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new TopicNames("t.media", "t.segments", 1, (short) 1)));
    }

    @AfterAll
    void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void holdsEverythingWrittenBeforeItStartedOnceLoaded() throws Exception {
        Topic<String, String> topic = create("table.load.v1", 3);
        try (KafkaProducer<String, String> producer = producer(topic)) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>(topic.name(), "key-" + (i % 40), "value-" + i));
            }
            producer.send(new ProducerRecord<>(topic.name(), "key-7", null));
            producer.flush();
        }
        try (TopicTable<String, String> table = new TopicTable<>(clients, topic, "load-test", "table-load")) {
            assertThat(table.loaded()).isFalse();
            assertThat(table.start().awaitLoaded(LOAD)).isTrue();

            // no waiting past awaitLoaded: the whole topic as of the start is there
            Map<String, TopicTable.Row<String>> rows = table.rows();
            assertThat(rows).hasSize(39).doesNotContainKey("key-7");
            assertThat(table.get("key-0")).contains("value-160");
            assertThat(table.get("key-39")).contains("value-199");
            assertThat(rows.get("key-39").partition()).isBetween(0, 2);
        }
    }

    @Test
    void followsUpdatesAndTombstones() throws Exception {
        Topic<String, String> topic = create("table.follow.v1", 2);
        AtomicInteger changes = new AtomicInteger();
        Set<String> removed = ConcurrentHashMap.newKeySet();
        try (KafkaProducer<String, String> producer = producer(topic);
                TopicTable<String, String> table =
                        new TopicTable<>(clients, topic, "follow-test", "table-follow", new TopicTable.Rules<>() {
                            @Override
                            public void removed(String key) {
                                removed.add(key);
                            }
                        })) {
            producer.send(new ProducerRecord<>(topic.name(), "door", "v1")).get(10, TimeUnit.SECONDS);
            table.onChange(changes::incrementAndGet);
            assertThat(table.start().awaitLoaded(LOAD)).isTrue();
            assertThat(table.get("door")).contains("v1");

            RecordMetadata written = producer.send(new ProducerRecord<>(topic.name(), "door", "v2"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(table.awaitRead(written.partition(), written.offset(), LOAD))
                    .isTrue();
            assertThat(table.get("door")).contains("v2");
            assertThat(table.row("door").orElseThrow().offset()).isEqualTo(written.offset());
            await().atMost(LOAD).until(() -> changes.get() >= 2);

            RecordMetadata tombstone = producer.send(new ProducerRecord<>(topic.name(), "door", null))
                    .get(10, TimeUnit.SECONDS);
            assertThat(table.awaitRead(tombstone.partition(), tombstone.offset(), LOAD))
                    .isTrue();
            assertThat(table.get("door")).isEmpty();
            assertThat(removed).containsExactly("door");
            assertThat(table.alive()).isTrue();
        }
    }

    @Test
    void waitsForATopicCreatedAfterItStarted() throws Exception {
        Topic<String, String> topic = typed("table.late.v1", 3);
        try (TopicTable<String, String> table = new TopicTable<>(clients, topic, "late-test", "table-late")) {
            table.start();
            assertThat(table.awaitLoaded(Duration.ofMillis(500))).isFalse();
            assertThat(table.alive()).isTrue();

            new TopicProvisioner(clients, true).ensure(List.of(topic));
            assertThat(table.awaitLoaded(LOAD)).isTrue();
            try (KafkaProducer<String, String> producer = producer(topic)) {
                producer.send(new ProducerRecord<>(topic.name(), "yard", "late"))
                        .get(10, TimeUnit.SECONDS);
            }
            await().atMost(LOAD).until(() -> table.get("yard").isPresent());
            assertThat(table.get("yard")).contains("late");
        }
    }

    @Test
    void anUnreadableValueRemovesTheKeyAndIsReported() throws Exception {
        // not compacted: a compacted topic refuses a record without a key before any reader could see it
        Topic<String, String> topic =
                new Topic<>("table.unreadable.v1", 1, (short) 1, Map.of(), Codec.utf8(), Codec.utf8());
        new TopicProvisioner(clients, true).ensure(List.of(topic));
        AtomicInteger unreadable = new AtomicInteger();
        try (KafkaProducer<String, String> producer = producer(topic);
                TopicTable<String, String> table =
                        new TopicTable<>(clients, topic, "unreadable-test", "table-bad", new TopicTable.Rules<>() {
                            @Override
                            public String merge(String key, String stored, String read) {
                                if (read.startsWith("bad")) {
                                    throw new IllegalArgumentException("not a value: " + read);
                                }
                                return read;
                            }

                            @Override
                            public void unreadable(
                                    TopicTable.Where where, String key, boolean removed, RuntimeException why) {
                                unreadable.incrementAndGet();
                            }
                        })) {
            producer.send(new ProducerRecord<>(topic.name(), "door", "good"));
            producer.send(new ProducerRecord<>(topic.name(), "door", "bad one"));
            producer.send(new ProducerRecord<>(topic.name(), "yard", "good"));
            producer.send(new ProducerRecord<>(topic.name(), null, "no key")).get(10, TimeUnit.SECONDS);
            assertThat(table.start().awaitLoaded(LOAD)).isTrue();

            assertThat(table.rows().keySet()).containsExactly("yard");
            assertThat(unreadable).hasValue(2);

            // what this instance wrote shows before it is read back
            table.compute("door", old -> old == null ? "local" : old);
            assertThat(table.row("door").orElseThrow().partition()).isEqualTo(-1);
            assertThat(table.get("door")).contains("local");
        }
    }

    private Topic<String, String> create(String name, int partitions) {
        Topic<String, String> topic = typed(name, partitions);
        new TopicProvisioner(clients, true).ensure(List.of(topic));
        return topic;
    }

    private static Topic<String, String> typed(String name, int partitions) {
        return new Topic<>(
                name, partitions, (short) 1, Map.of("cleanup.policy", "compact"), Codec.utf8(), Codec.utf8());
    }

    private KafkaProducer<String, String> producer(Topic<String, String> topic) {
        return clients.producer(topic, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0), Map.of());
    }
}
