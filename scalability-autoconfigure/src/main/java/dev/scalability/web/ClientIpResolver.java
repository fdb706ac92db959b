package dev.scalability.web;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds the client of a request. It is the peer of the connection, unless the peer is a
 * trusted proxy: then the proxies' header ({@code X-Forwarded-For}, or {@code Forwarded}
 * of RFC 7239) is read from the right, skipping trusted proxies, and the first address that
 * is not one is the client. Anything a client writes to the left of that cannot move it, so
 * a spoofed header changes nothing.
 *
 * <p>The peer is read from the request as the servlet container made it, beneath any
 * wrapper: Spring's {@code ForwardedHeaderFilter} ({@code server.forward-headers-strategy:
 * framework}) replaces the remote address with the left-most forwarded value, which any
 * client can write.
 *
 * <p>The client is named in one canonical form: IPv4-mapped IPv6 addresses as IPv4, IPv6
 * addresses compressed and grouped by their first {@code ipv6Prefix} bits.
 */
public class ClientIpResolver {

	private final List<IpRange> trustedProxies;

	private final ForwardedHeader header;

	private final int ipv6Prefix;

	/**
	 * Creates a resolver.
	 * @param trustedProxies the proxies whose header is believed
	 * @param header the header they write
	 * @param ipv6Prefix how many leading bits of an IPv6 address name one client
	 */
	public ClientIpResolver(List<IpRange> trustedProxies, ForwardedHeader header, int ipv6Prefix) {
		if (ipv6Prefix < 1 || ipv6Prefix > 128) {
			throw new IllegalArgumentException("the IPv6 prefix length must be between 1 and 128");
		}
		this.trustedProxies = List.copyOf(trustedProxies);
		this.header = header;
		this.ipv6Prefix = ipv6Prefix;
	}

	/**
	 * The client of a request.
	 * @param request the request
	 * @return the client's address in canonical form, or the peer's text when it is not an
	 * IP address
	 */
	public String resolve(HttpServletRequest request) {
		return IpAddresses.client(clientAddress(request), this.ipv6Prefix);
	}

	private String clientAddress(HttpServletRequest request) {
		HttpServletRequest received = asReceived(request);
		String peer = received.getRemoteAddr();
		if (this.trustedProxies.isEmpty() || !isTrusted(peer)) {
			return peer;
		}
		// Read as received too: Spring's ForwardedHeaderFilter hides the headers it used.
		List<String> hops = (this.header == ForwardedHeader.FORWARDED) ? forwardedHops(received)
				: xForwardedForHops(received);
		for (int i = hops.size() - 1; i >= 0; i--) {
			String hop = hops.get(i);
			if (!isTrusted(hop)) {
				return hop;
			}
		}
		// Every hop is a trusted proxy: the left-most one is as close to the client as we know.
		return hops.isEmpty() ? peer : hops.get(0);
	}

	/**
	 * The address of the connection's peer, as the servlet container saw it.
	 * @param request the request, possibly wrapped
	 * @return the peer's address
	 */
	public static String peerAddress(HttpServletRequest request) {
		return asReceived(request).getRemoteAddr();
	}

	/**
	 * The request as the servlet container made it, beneath every wrapper.
	 */
	private static HttpServletRequest asReceived(HttpServletRequest request) {
		ServletRequest innermost = request;
		while (innermost instanceof ServletRequestWrapper wrapper) {
			innermost = wrapper.getRequest();
		}
		return (innermost instanceof HttpServletRequest http) ? http : request;
	}

	private boolean isTrusted(String address) {
		byte[] bytes = IpAddresses.parseLiteral(address);
		if (bytes == null) {
			return false;
		}
		for (IpRange range : this.trustedProxies) {
			if (range.contains(bytes)) {
				return true;
			}
		}
		return false;
	}

	private static List<String> forwardedHops(HttpServletRequest request) {
		List<String> hops = new ArrayList<>();
		Enumeration<String> forwarded = request.getHeaders("Forwarded");
		while (forwarded != null && forwarded.hasMoreElements()) {
			for (String element : forwarded.nextElement().split(",")) {
				String node = forParameter(element);
				if (node != null) {
					hops.add(node);
				}
			}
		}
		return hops;
	}

	private static List<String> xForwardedForHops(HttpServletRequest request) {
		List<String> hops = new ArrayList<>();
		Enumeration<String> xForwardedFor = request.getHeaders("X-Forwarded-For");
		while (xForwardedFor != null && xForwardedFor.hasMoreElements()) {
			for (String node : xForwardedFor.nextElement().split(",")) {
				String address = stripPort(node.trim());
				if (!address.isEmpty()) {
					hops.add(address);
				}
			}
		}
		return hops;
	}

	private static String forParameter(String element) {
		for (String pair : element.split(";")) {
			int equals = pair.indexOf('=');
			if (equals > 0 && pair.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("for")) {
				String value = pair.substring(equals + 1).trim();
				if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
					value = value.substring(1, value.length() - 1);
				}
				return stripPort(value);
			}
		}
		return null;
	}

	private static String stripPort(String node) {
		if (node.startsWith("[")) {
			int end = node.indexOf(']');
			return (end > 0) ? node.substring(1, end) : node;
		}
		int colon = node.indexOf(':');
		if (colon > 0 && node.indexOf(':', colon + 1) < 0) {
			return node.substring(0, colon);
		}
		return node;
	}

}
