package dev.scalability.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class IpRangeTests {

	@Test
	void ipv4AndIpv6RangesContainTheirAddresses() {
		IpRange ten = IpRange.parse("10.0.0.0/8");
		assertThat(ten.contains(IpAddresses.parseLiteral("10.255.1.2"))).isTrue();
		assertThat(ten.contains(IpAddresses.parseLiteral("11.0.0.1"))).isFalse();
		IpRange unique = IpRange.parse("fd00::/8");
		assertThat(unique.contains(IpAddresses.parseLiteral("fd12:3456::1"))).isTrue();
		assertThat(unique.contains(IpAddresses.parseLiteral("10.0.0.1"))).isFalse();
		assertThat(IpRange.parse("192.0.2.7").contains(IpAddresses.parseLiteral("192.0.2.7"))).isTrue();
		assertThat(IpRange.parse("172.16.0.0/12").contains(IpAddresses.parseLiteral("172.31.255.255")))
			.isTrue();
		assertThat(IpRange.parse("172.16.0.0/12").contains(IpAddresses.parseLiteral("172.32.0.0")))
			.isFalse();
	}

	@Test
	void ipv4MappedIpv6AddressesCountAsIpv4() {
		assertThat(IpRange.parse("10.0.0.0/8").contains(IpAddresses.parseLiteral("::ffff:10.1.2.3")))
			.isTrue();
	}

	@Test
	void onlyLiteralAddressesAreAcceptedSoNothingIsEverLookedUp() {
		for (String notAnAddress : new String[] { "999.1.1.1", "1.2.3", "1.2.3.4.5", "localhost", "example.org",
				"01234.1.1.1", "", "1.2.3.-4", "fe80::1%eth0", ".:1", "x:1", "\u0663::1", "1::\u0663" }) {
			assertThat(IpAddresses.parseLiteral(notAnAddress)).as(notAnAddress).isNull();
		}
	}

	@Test
	void badRangesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> IpRange.parse("10.0.0.0/33"));
		assertThatIllegalArgumentException().isThrownBy(() -> IpRange.parse("10.0.0.0/x"));
		assertThatIllegalArgumentException().isThrownBy(() -> IpRange.parse("proxy.internal"));
	}

}
