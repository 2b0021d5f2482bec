package io.kvr.runtime.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates missing topics with kvr's settings; existing topics are used as they are. */
public final class TopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final KafkaClients clients;
    private final boolean create;

    /** With {@code create} false (key {@code topics.create=false}) topics are only checked, never created. */
    public TopicProvisioner(KafkaClients clients, boolean create) {
        this.clients = clients;
        this.create = create;
    }

    /** As the app's settings say: {@code kafka.*} pass-through, {@code topics.create}. */
    public static TopicProvisioner of(KafkaClients clients) {
        return new TopicProvisioner(clients, clients.settings().createTopics());
    }

    public void ensure(Collection<? extends Topic<?, ?>> topics) {
        try (Admin admin = clients.admin(
                Map.of(
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000),
                Map.of())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> t : topics) {
                if (!existing.contains(t.name())) {
                    Optional<Short> rf =
                            t.replicationFactor() > 0 ? Optional.of(t.replicationFactor()) : Optional.empty();
                    missing.add(new NewTopic(t.name(), Optional.of(t.partitions()), rf).configs(t.configs()));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (!create) {
                throw new MissingTopicsException(
                        missing.stream().map(NewTopic::name).sorted().toList());
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    log.info("created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + entry.getKey() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
            awaitListed(admin, missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics on the Kafka cluster: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the broker lists the created topics: the controller acknowledges a creation before every broker's
     * metadata has it, and whoever checks or uses the topics next asks a broker.
     */
    private static void awaitListed(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created topics not listed by the cluster after 30 s: " + names);
            }
            Thread.sleep(100);
        }
    }
}
