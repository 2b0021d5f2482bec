package io.kvr.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndexUnavailableExceptionTest {

    @Test
    void theIndexUrlIsAnsweredWithoutCredentials() {
        IndexUnavailableException e = new IndexUnavailableException(
                "index at http://kvr:pw-1@indexer:8082/?token=pw-2 unreachable: Connection refused", null);

        assertThat(e.getMessage())
                .isEqualTo("index at http://***@indexer:8082/?token=*** unreachable: Connection refused");
    }
}
