package io.kvr.http.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoleTest {
    @Test
    void theUsualRolesIncludeTheOnesBelow() {
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.includes(Role.OPERATOR)).isFalse();
        assertThat(Role.VIEWER.includes(Role.PUBLIC)).isTrue();
    }

    @Test
    void aPublisherPushesAndNothingElseAndOnlyAnAdminPushesToo() {
        assertThat(Role.PUBLISHER.includes(Role.PUBLISHER)).isTrue();
        assertThat(Role.PUBLISHER.includes(Role.PUBLIC)).isTrue();
        assertThat(Role.PUBLISHER.includes(Role.VIEWER)).isFalse();
        assertThat(Role.ADMIN.includes(Role.PUBLISHER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.PUBLISHER)).isFalse();
        assertThat(Role.VIEWER.includes(Role.PUBLISHER)).isFalse();
        assertThat(Role.ofCredential("Publisher")).contains(Role.PUBLISHER);
    }
}
