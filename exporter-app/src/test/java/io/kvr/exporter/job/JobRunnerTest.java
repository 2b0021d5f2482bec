package io.kvr.exporter.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvr.schemas.ExportPart;
import io.kvr.schemas.ExportStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a job's files live, and which objects a deleted or expired job leaves behind to remove. */
class JobRunnerTest {

    @Test
    void theFirstFileIsTheExportIdAndFurtherPartsAreNumbered() {
        assertThat(JobRunner.objectKey("kvr/exports/", "abc")).isEqualTo("kvr/exports/abc.mp4");
        assertThat(JobRunner.partKey("kvr/exports/", "abc", 1)).isEqualTo("kvr/exports/abc-1.mp4");
        assertThat(JobRunner.partKey("", "abc", 12)).isEqualTo("abc-12.mp4");
    }

    @Test
    void aQueuedJobHasNoObjects() {
        assertThat(JobRunner.objectKeys(status(null, List.of()))).isEmpty();
    }

    @Test
    void aJobOfOneFileHasThatFile() {
        assertThat(JobRunner.objectKeys(status("e/abc.mp4", List.of()))).containsExactly("e/abc.mp4");
        assertThat(JobRunner.objectKeys(status("e/abc.mp4", List.of(part("e/abc.mp4")))))
                .containsExactly("e/abc.mp4");
    }

    @Test
    void aJobSplitAtCodecChangesHasEveryPartOnce() {
        ExportStatus s = status("e/abc.mp4", List.of(part("e/abc.mp4"), part("e/abc-1.mp4"), part("e/abc-2.mp4")));

        assertThat(JobRunner.objectKeys(s)).containsExactly("e/abc.mp4", "e/abc-1.mp4", "e/abc-2.mp4");
    }

    private static ExportStatus status(String objectKey, List<ExportPart> parts) {
        return ExportStatus.newBuilder()
                .setId("abc")
                .setStreamId("site/cam")
                .setStartTimeMs(0)
                .setEndTimeMs(1_000)
                .setFileName("abc.mp4")
                .setState(objectKey == null ? "queued" : "done")
                .setObjectKey(objectKey)
                .setParts(parts)
                .setRequestedAtMs(1)
                .setUpdatedAtMs(2)
                .build();
    }

    private static ExportPart part(String key) {
        return ExportPart.newBuilder()
                .setStartTimeMs(0)
                .setEndTimeMs(1_000)
                .setBytes(10)
                .setDurationMs(1_000)
                .setObjectKey(key)
                .build();
    }
}
