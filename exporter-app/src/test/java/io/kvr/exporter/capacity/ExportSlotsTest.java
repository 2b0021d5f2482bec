package io.kvr.exporter.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Slots are taken up to the maximum, given back once however often closed, and a waiting job goes first. */
class ExportSlotsTest {

    @Test
    void slotsRunOutAndComeBackOnce() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ExportSlots slots = new ExportSlots(2, metrics);
        Optional<ExportSlots.Slot> a = slots.tryTake();
        Optional<ExportSlots.Slot> b = slots.tryTake();
        assertThat(a).isPresent();
        assertThat(b).isPresent();
        assertThat(slots.tryTake()).isEmpty();
        assertThat(slots.take(Duration.ofMillis(20))).isEmpty();
        assertThat(metrics.get("exporter.concurrent.active").gauge().value()).isEqualTo(2);

        a.get().close();
        a.get().close(); // a second close gives nothing more back
        assertThat(slots.active()).isEqualTo(1);
        Optional<ExportSlots.Slot> c = slots.tryTake();
        assertThat(c).isPresent();
        assertThat(slots.tryTake()).isEmpty();
        b.get().close();
        c.get().close();
        assertThat(slots.active()).isZero();
        assertThat(metrics.get("exporter.concurrent.max").gauge().value()).isEqualTo(2);
    }

    @Test
    void aWaitingJobIsNotOvertakenByDownloadsThatComeAfterIt() throws Exception {
        ExportSlots slots = new ExportSlots(1, new SimpleMeterRegistry());
        ExportSlots.Slot download = slots.tryTake().orElseThrow();
        CompletableFuture<Optional<ExportSlots.Slot>> job = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.take(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // wait until the job is queued for the slot
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> slots.waiting() > 0);
        assertThat(slots.waiting()).isEqualTo(1);
        download.close();
        // whether or not the job has woken yet, the slot is its own: a download arriving now does not get it
        assertThat(slots.tryTake()).as("the free slot goes to the waiting job").isEmpty();
        assertThat(job.get(30, TimeUnit.SECONDS)).isPresent();
        assertThat(slots.waiting()).isZero();
    }
}
