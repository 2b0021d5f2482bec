package io.kvr.bridge.rtspserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UdpPortRangeTest {
    @Test
    void aRangeHoldsItsEvenOddPairs() {
        UdpPortRange r = UdpPortRange.parse("40001-40006");
        assertThat(r.pairs()).isEqualTo(2); // 40002-40003, 40004-40005
        assertThat(r.rtpPort(0)).isEqualTo(40002);
        assertThat(r.rtpPort(1)).isEqualTo(40004);
        assertThat(UdpPortRange.parse("40000-40999").pairs()).isEqualTo(500);
        assertThat(UdpPortRange.parse(" 50000 - 50001 ").pairs()).isEqualTo(1);
    }

    @Test
    void emptyOrAnyLetsTheSystemPick() {
        assertThat(UdpPortRange.parse("")).isEqualTo(UdpPortRange.ANY);
        assertThat(UdpPortRange.parse("any")).isEqualTo(UdpPortRange.ANY);
        assertThat(UdpPortRange.ANY.any()).isTrue();
    }

    @Test
    void rangesWithoutAPairOrOutOfBoundsAreRefused() {
        assertThatThrownBy(() -> UdpPortRange.parse("40001-40002")).hasMessageContaining("no even port");
        assertThatThrownBy(() -> UdpPortRange.parse("5000")).hasMessageContaining("a range like");
        assertThatThrownBy(() -> UdpPortRange.parse("x-y")).hasMessageContaining("a range like");
        assertThatThrownBy(() -> UdpPortRange.parse("65534-65536")).hasMessageContaining("within 1..65535");
        assertThatThrownBy(() -> UdpPortRange.parse("6000-5000")).hasMessageContaining("within 1..65535");
    }
}
