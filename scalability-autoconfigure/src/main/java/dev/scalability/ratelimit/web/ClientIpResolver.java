package dev.scalability.ratelimit.web;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds the client's IP address. It is the socket's remote address, unless that address
 * is a trusted proxy: then the proxies' header ({@code X-Forwarded-For}, or
 * {@code Forwarded} of RFC 7239) is read from the right, skipping trusted proxies, and the
 * first address that is not one is the client. Anything a client writes to the left of
 * that cannot move it, so a spoofed header changes nothing.
 */
public class ClientIpResolver {

	private final List<IpRange> trustedProxies;

	private final ForwardedHeader header;

	public ClientIpResolver(List<IpRange> trustedProxies, ForwardedHeader header) {
		this.trustedProxies = List.copyOf(trustedProxies);
		this.header = header;
	}

	public String resolve(HttpServletRequest request) {
		String remote = request.getRemoteAddr();
		if (this.trustedProxies.isEmpty() || !isTrusted(remote)) {
			return remote;
		}
		List<String> hops = (this.header == ForwardedHeader.FORWARDED) ? forwardedHops(request)
				: xForwardedForHops(request);
		for (int i = hops.size() - 1; i >= 0; i--) {
			String hop = hops.get(i);
			if (!isTrusted(hop)) {
				return hop;
			}
		}
		// Every hop is a trusted proxy: the left-most one is as close to the client as we know.
		return hops.isEmpty() ? remote : hops.get(0);
	}

	private boolean isTrusted(String address) {
		byte[] bytes = IpRange.InetAddresses.parseLiteral(address);
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
