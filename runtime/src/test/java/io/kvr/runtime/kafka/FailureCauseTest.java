package io.kvr.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class FailureCauseTest {

    @Test
    void aFuturesFailureIsItsCause() {
        RecordTooLargeException broker = new RecordTooLargeException("too large");
        assertThat(FailureCause.of(new ExecutionException(broker))).isSameAs(broker);
    }

    @Test
    void anyOtherFailureIsItself() {
        TimeoutException timeout = new TimeoutException("no answer");
        assertThat(FailureCause.of(timeout)).isSameAs(timeout);
        ExecutionException bare = new ExecutionException("no cause", null);
        assertThat(FailureCause.of(bare)).isSameAs(bare);
    }
}
