package dev.scalability.web;

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
		byte[] bytes = IpAddresses.parseLiteral(address);
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

}
