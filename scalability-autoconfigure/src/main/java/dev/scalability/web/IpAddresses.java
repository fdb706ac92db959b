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
