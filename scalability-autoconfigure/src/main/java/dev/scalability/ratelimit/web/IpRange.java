package dev.scalability.ratelimit.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}),
 * or a single address.
 */
public final class IpRange {

	private final byte[] network;

	private final int prefixLength;

	private final String notation;

	private IpRange(byte[] network, int prefixLength, String notation) {
		this.network = network;
		this.prefixLength = prefixLength;
		this.notation = notation;
	}

	/**
	 * Parses a range.
	 * @param notation {@code address/prefix} or an address
	 * @return the range
	 * @throws IllegalArgumentException when the notation is not a literal address with an
	 * optional prefix length that fits it
	 */
	public static IpRange parse(String notation) {
		String trimmed = notation.trim();
		int slash = trimmed.indexOf('/');
		String address = (slash < 0) ? trimmed : trimmed.substring(0, slash);
		byte[] bytes = InetAddresses.parseLiteral(address);
		if (bytes == null) {
			throw new IllegalArgumentException("'" + notation + "' is not an IP address or CIDR range");
		}
		int prefix = bytes.length * 8;
		if (slash >= 0) {
			try {
				prefix = Integer.parseInt(trimmed.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("'" + notation + "' has no valid prefix length", ex);
			}
			if (prefix < 0 || prefix > bytes.length * 8) {
				throw new IllegalArgumentException(
						"'" + notation + "' has a prefix length outside 0.." + (bytes.length * 8));
			}
		}
		return new IpRange(bytes, prefix, trimmed);
	}

	/**
	 * Whether an address lies in this range.
	 * @param address the address's bytes (4 or 16)
	 * @return whether it matches; an address of the other family never does
	 */
	public boolean contains(byte[] address) {
		if (address == null || address.length != this.network.length) {
			return false;
		}
		int whole = this.prefixLength / 8;
		for (int i = 0; i < whole; i++) {
			if (address[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefixLength % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xFF << (8 - rest)) & 0xFF;
		return (address[whole] & mask) == (this.network[whole] & mask);
	}

	@Override
	public String toString() {
		return this.notation;
	}

	/**
	 * Parses literal addresses without ever asking DNS.
	 */
	static final class InetAddresses {

		private InetAddresses() {
		}

		static byte[] parseLiteral(String address) {
			String candidate = address.trim();
			if (candidate.startsWith("[") && candidate.endsWith("]")) {
				candidate = candidate.substring(1, candidate.length() - 1);
			}
			if (candidate.indexOf(':') < 0) {
				return parseIpv4(candidate);
			}
			for (int i = 0; i < candidate.length(); i++) {
				char c = candidate.charAt(i);
				if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
					return null;
				}
			}
			try {
				// A string with a colon is only ever parsed as an IPv6 literal, never looked up.
				return unmapIpv4(InetAddress.getByName(candidate).getAddress());
			}
			catch (UnknownHostException | SecurityException ex) {
				return null;
			}
		}

		private static byte[] parseIpv4(String candidate) {
			String[] parts = candidate.split("\\.", -1);
			if (parts.length != 4) {
				return null;
			}
			byte[] bytes = new byte[4];
			for (int i = 0; i < 4; i++) {
				String part = parts[i];
				if (part.isEmpty() || part.length() > 3) {
					return null;
				}
				int value = 0;
				for (int j = 0; j < part.length(); j++) {
					char c = part.charAt(j);
					if (c < '0' || c > '9') {
						return null;
					}
					value = value * 10 + (c - '0');
				}
				if (value > 255) {
					return null;
				}
				bytes[i] = (byte) value;
			}
			return bytes;
		}

		private static byte[] unmapIpv4(byte[] bytes) {
			if (bytes.length != 16) {
				return bytes;
			}
			for (int i = 0; i < 10; i++) {
				if (bytes[i] != 0) {
					return bytes;
				}
			}
			if ((bytes[10] & 0xFF) != 0xFF || (bytes[11] & 0xFF) != 0xFF) {
				return bytes;
			}
			return new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] };
		}

	}

}
