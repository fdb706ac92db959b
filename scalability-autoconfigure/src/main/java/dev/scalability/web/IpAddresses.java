package dev.scalability.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Literal IP addresses: parsed without ever asking DNS, and written in one canonical form
 * so that every spelling of an address ({@code ::ffff:1.2.3.4} and {@code 1.2.3.4},
 * {@code 0:0:0:0:0:0:0:1} and {@code ::1}) names one client.
 */
public final class IpAddresses {

	private IpAddresses() {
	}

	/**
	 * Parses a literal address; an IPv4-mapped IPv6 address comes back as IPv4.
	 * @param address the text, IPv6 possibly in brackets
	 * @return 4 or 16 bytes, or {@code null} when the text is not a literal address
	 */
	public static byte[] parseLiteral(String address) {
		String candidate = address.trim();
		if (candidate.startsWith("[") && candidate.endsWith("]")) {
			candidate = candidate.substring(1, candidate.length() - 1);
		}
		if (candidate.indexOf(':') < 0) {
			return parseIpv4(candidate);
		}
		if (candidate.isEmpty() || !(candidate.charAt(0) == ':' || isAsciiHexDigit(candidate.charAt(0)))) {
			// What does not start as an IPv6 literal could be taken for a host name.
			return null;
		}
		for (int i = 0; i < candidate.length(); i++) {
			char c = candidate.charAt(i);
			// ASCII only: the JDK would hand any other digit to the name service.
			if (!(isAsciiHexDigit(c) || c == ':' || c == '.')) {
				return null;
			}
		}
		try {
			// A string with a colon and only hex digits, colons and dots is only ever parsed
			// as an IPv6 literal, never looked up.
			return unmapIpv4(InetAddress.getByName(candidate).getAddress());
		}
		catch (UnknownHostException | SecurityException ex) {
			return null;
		}
	}

	/**
	 * The client an address stands for: an IPv4 address as itself, an IPv6 address as the
	 * network of its first {@code ipv6Prefix} bits (a host usually holds a whole /64, so
	 * counting single IPv6 addresses would let it rotate through billions of them).
	 * @param address the text
	 * @param ipv6Prefix how many leading bits of an IPv6 address name a client, 1 to 128
	 * @return {@code 203.0.113.7}, {@code 2001:db8:1:2::/64}, {@code ::1}, or the text
	 * itself when it is not a literal address
	 */
	public static String client(String address, int ipv6Prefix) {
		if (address != null && scanIpv4(address, new byte[4]) == 1) {
			// Most requests: an IPv4 address already written as it would be written back.
			return address;
		}
		byte[] bytes = parseLiteral(address);
		if (bytes == null) {
			return address;
		}
		if (bytes.length == 4) {
			return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
		}
		if (ipv6Prefix >= 128) {
			return formatIpv6(bytes);
		}
		byte[] network = bytes.clone();
		for (int bit = ipv6Prefix; bit < 128; bit++) {
			network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
		}
		return formatIpv6(network) + "/" + ipv6Prefix;
	}

	/**
	 * Writes an IPv6 address as RFC 5952 says: lower case, no leading zeros, the longest run
	 * of two or more zero groups (the first of equals) as {@code ::}.
	 */
	static String formatIpv6(byte[] bytes) {
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8;) {
			if (groups[i] != 0) {
				i++;
				continue;
			}
			int end = i;
			while (end < 8 && groups[end] == 0) {
				end++;
			}
			if (end - i > bestLength) {
				bestStart = i;
				bestLength = end - i;
			}
			i = end;
		}
		StringBuilder text = new StringBuilder(39);
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				text.append("::");
				i += bestLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		return text.toString();
	}

	private static boolean isAsciiHexDigit(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

	private static byte[] parseIpv4(String candidate) {
		byte[] bytes = new byte[4];
		return (scanIpv4(candidate, bytes) >= 0) ? bytes : null;
	}

	/**
	 * Reads four dot-separated decimal parts of 1 to 3 ASCII digits, each at most 255.
	 * @param bytes receives the parts
	 * @return 1 when no part has a leading zero (the text is how the address is written
	 * back), 0 when one has, -1 when the text is not an IPv4 literal
	 */
	private static int scanIpv4(String candidate, byte[] bytes) {
		int length = candidate.length();
		int part = 0;
		int value = 0;
		int digits = 0;
		boolean canonical = true;
		for (int i = 0; i <= length; i++) {
			char c = (i < length) ? candidate.charAt(i) : '.';
			if (c == '.') {
				if (digits == 0 || part == 4) {
					return -1;
				}
				bytes[part++] = (byte) value;
				value = 0;
				digits = 0;
				continue;
			}
			if (c < '0' || c > '9' || digits == 3) {
				return -1;
			}
			if (digits == 1 && value == 0) {
				canonical = false;
			}
			value = value * 10 + (c - '0');
			digits++;
			if (value > 255) {
				return -1;
			}
		}
		return (part != 4) ? -1 : (canonical ? 1 : 0);
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
