package io.kvr.runtime.kafka;

import java.util.List;

/** Topics kvr needs are missing and it may not create them ({@code topics.create=false}). */
public final class MissingTopicsException extends IllegalStateException {
    private final List<String> topics;

    public MissingTopicsException(List<String> topics) {
        super("topics missing on the Kafka cluster and topics.create=false: " + String.join(", ", topics)
                + ". Create them first: 'kvr topics --print' (with the same topics.* settings) prints the"
                + " kafka-topics.sh commands, 'kvr topics --create' runs them; or set topics.create=true");
        this.topics = List.copyOf(topics);
    }

    public List<String> topics() {
        return topics;
    }
}
