package io.kvr.policy;

import io.kvr.runtime.kafka.AvroCodec;
import io.kvr.runtime.kafka.Codec;
import io.kvr.runtime.kafka.KvrTopics;
import io.kvr.schemas.RecordingPolicy;
import io.kvr.schemas.StreamPolicy;
import java.util.HashMap;
import java.util.Map;

/** Values of the policies topic: {@link AppPolicy} to and from the Avro {@link RecordingPolicy}. */
public final class PolicyRecords implements Codec<AppPolicy> {
    private final AvroCodec<RecordingPolicy> codec = KvrTopics.recordingPolicies();

    @Override
    public byte[] encode(AppPolicy policy) {
        Map<String, StreamPolicy> streams = new HashMap<>();
        policy.streams()
                .forEach((stream, s) -> streams.put(
                        stream,
                        StreamPolicy.newBuilder()
                                .setRecording(s.recording())
                                .setSegmentDurationMs(s.segmentDurationMs())
                                .setRetentionMs(s.retentionMs())
                                .setStoragePrefix(s.storagePrefix())
                                .build()));
        PolicySettings s = policy.settings();
        return codec.encode(RecordingPolicy.newBuilder()
                .setApp(policy.app())
                .setRecording(s.recording())
                .setSegmentDurationMs(s.segmentDurationMs())
                .setRetentionMs(s.retentionMs())
                .setStoragePrefix(s.storagePrefix())
                .setStreams(streams)
                .setUpdatedAtMs(policy.updatedAtMs())
                .setUpdatedBy(policy.updatedBy())
                .build());
    }

    /** Decodes and validates; an {@link IllegalArgumentException} names what is wrong. */
    @Override
    public AppPolicy decode(byte[] value) {
        RecordingPolicy r = codec.decode(value);
        PolicySettings settings = new PolicySettings(
                r.getRecording(),
                r.getSegmentDurationMs(),
                r.getRetentionMs(),
                r.getStoragePrefix() == null ? null : PolicySettings.normalizePrefix(r.getStoragePrefix()));
        java.util.List<String> problems = new java.util.ArrayList<>(settings.problems(""));
        Map<String, PolicySettings> streams = new HashMap<>();
        r.getStreams().forEach((stream, o) -> {
            PolicySettings s = new PolicySettings(
                    o.getRecording(),
                    o.getSegmentDurationMs(),
                    o.getRetentionMs(),
                    o.getStoragePrefix() == null ? null : PolicySettings.normalizePrefix(o.getStoragePrefix()));
            problems.addAll(s.problems("streams." + stream + "."));
            streams.put(stream, s);
        });
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        return new AppPolicy(r.getApp(), settings, streams, r.getUpdatedAtMs(), r.getUpdatedBy());
    }
}
