package dev.scalability.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every spelling of an address names one client, and an IPv6 host is one client across
 * its network.
 */
class IpAddressesTests {

	@Test
	void anIpv4MappedIpv6AddressIsTheIpv4Client() {
		assertThat(IpAddresses.client("::ffff:1.2.3.4", 64)).isEqualTo("1.2.3.4");
		assertThat(IpAddresses.client("0:0:0:0:0:ffff:102:304", 64)).isEqualTo("1.2.3.4");
		assertThat(IpAddresses.client("1.2.3.4", 64)).isEqualTo("1.2.3.4");
	}

	@Test
	void everySpellingOfTheLoopbackAddressIsOneClient() {
		assertThat(IpAddresses.client("0:0:0:0:0:0:0:1", 128)).isEqualTo("::1");
		assertThat(IpAddresses.client("::1", 128)).isEqualTo("::1");
		assertThat(IpAddresses.client("[::1]", 128)).isEqualTo("::1");
	}

	@Test
	void ipv6AddressesAreGroupedByTheirPrefix() {
		String first = IpAddresses.client("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64);
		String second = IpAddresses.client("2001:DB8:1:2::7", 64);
		assertThat(first).isEqualTo("2001:db8:1:2::/64").isEqualTo(second);
		assertThat(IpAddresses.client("2001:db8:1:3::7", 64)).isEqualTo("2001:db8:1:3::/64");
		assertThat(IpAddresses.client("2001:db8:1:2:aaaa::1", 48)).isEqualTo("2001:db8:1::/48");
		assertThat(IpAddresses.client("2001:db8:1:2:aaaa::1", 128)).isEqualTo("2001:db8:1:2:aaaa::1");
	}

	@Test
	void ipv6IsWrittenAsRfc5952Says() {
		assertThat(IpAddresses.formatIpv6(IpAddresses.parseLiteral("2001:0db8:0000:0000:0001:0000:0000:0001")))
			.isEqualTo("2001:db8::1:0:0:1");
		assertThat(IpAddresses.formatIpv6(IpAddresses.parseLiteral("2001:db8:0:1:1:1:1:1")))
			.isEqualTo("2001:db8:0:1:1:1:1:1");
		assertThat(IpAddresses.formatIpv6(IpAddresses.parseLiteral("::"))).isEqualTo("::");
		assertThat(IpAddresses.formatIpv6(IpAddresses.parseLiteral("fe80::"))).isEqualTo("fe80::");
	}

	@Test
	void whatIsNotALiteralAddressStaysAsItIs() {
		assertThat(IpAddresses.client("unknown", 64)).isEqualTo("unknown");
		assertThat(IpAddresses.client("_hidden", 64)).isEqualTo("_hidden");
	}

}
