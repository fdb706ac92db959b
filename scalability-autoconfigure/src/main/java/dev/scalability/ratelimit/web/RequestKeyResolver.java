package dev.scalability.ratelimit.web;

import java.security.Principal;

import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.web.ClientIpResolver;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Says who a request counts against. Keys carry their kind ({@code ip}, {@code user},
 * {@code header}, {@code expr}), so that a user named like an address never shares its
 * quota.
 */
@FunctionalInterface
public interface RequestKeyResolver {

	/**
	 * The key of a request.
	 * @param request the request
	 * @return the key, never {@code null}
	 */
	RateLimitKey resolve(HttpServletRequest request);

	/**
	 * The client's IP address.
	 * @param clientIp finds the address
	 * @return the resolver
	 */
	static RequestKeyResolver ip(ClientIpResolver clientIp) {
		return (request) -> RateLimitKey.web("ip", clientIp.resolve(request));
	}

	/**
	 * The authenticated user's name; anonymous requests count against their IP address.
	 * @param clientIp finds the address for anonymous requests
	 * @return the resolver
	 */
	static RequestKeyResolver user(ClientIpResolver clientIp) {
		return (request) -> {
			Principal principal = request.getUserPrincipal();
			if (principal != null && principal.getName() != null && !principal.getName().isEmpty()) {
				return RateLimitKey.web("user", principal.getName());
			}
			return RateLimitKey.web("ip", clientIp.resolve(request));
		};
	}

	/**
	 * A request header's value; requests without it count against their IP address.
	 * @param name the header
	 * @param clientIp finds the address when the header is missing
	 * @return the resolver
	 */
	static RequestKeyResolver header(String name, ClientIpResolver clientIp) {
		return (request) -> {
			String value = request.getHeader(name);
			return (value != null && !value.isEmpty()) ? RateLimitKey.web("header", value)
					: RateLimitKey.web("ip", clientIp.resolve(request));
		};
	}

}
