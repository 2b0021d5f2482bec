package io.kvr.runtime.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How the keys or values of a topic are written as bytes. Readers decode records themselves rather than through a
 * Kafka deserializer, so that one bad record is counted and skipped instead of stopping the consumer's poll.
 */
public interface Codec<T> {

    byte[] encode(T value);

    /** @throws IllegalArgumentException when {@code bytes} are not a valid value */
    T decode(byte[] bytes);

    /** The codec as a Kafka serializer; null (a tombstone, no key) stays null. */
    default Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    /** The codec as a Kafka deserializer, for clients that never meet a bad record (tests, tools). */
    default Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    /** UTF-8 text, as Kafka's {@code StringSerializer} writes it: the keys of every kvr topic. */
    static Codec<String> utf8() {
        return Utf8.INSTANCE;
    }

    /** Bytes as they are, for values a reader tells apart itself (the media topic) or never reads. */
    static Codec<byte[]> bytes() {
        return Bytes.INSTANCE;
    }

    /** Stateless, so one instance serves every topic. */
    enum Utf8 implements Codec<String> {
        INSTANCE;

        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Stateless, so one instance serves every topic. */
    enum Bytes implements Codec<byte[]> {
        INSTANCE;

        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    }
}
