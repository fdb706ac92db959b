package dev.scalability.ratelimit.web;

import java.security.Principal;

import dev.scalability.web.ClientIpResolver;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What {@code key} and {@code skip} expressions see of a request, as {@code request}: its
 * method, path, headers, parameters, cookies, address and user, and nothing that leads
 * further (no servlet context, no session, no attributes), so that an expression cannot
 * reach the application's beans or change anything.
 */
public final class RequestView {

	private final HttpServletRequest request;

	RequestView(HttpServletRequest request) {
		this.request = request;
	}

	public String getMethod() {
		return this.request.getMethod();
	}

	public String getRequestURI() {
		return this.request.getRequestURI();
	}

	public String getQueryString() {
		return this.request.getQueryString();
	}

	public String getHeader(String name) {
		return this.request.getHeader(name);
	}

	public String getParameter(String name) {
		return this.request.getParameter(name);
	}

	public String getContentType() {
		return this.request.getContentType();
	}

	/**
	 * The address of the connection's peer, as the servlet container received it: never
	 * one a client wrote in a header (Spring's {@code ForwardedHeaderFilter} would give that).
	 * @return the peer's address
	 */
	public String getRemoteAddr() {
		return ClientIpResolver.peerAddress(this.request);
	}

	/**
	 * A cookie's value.
	 * @param name the cookie's name
	 * @return its value, or {@code null}
	 */
	public String getCookie(String name) {
		Cookie[] cookies = this.request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				if (cookie.getName().equals(name)) {
					return cookie.getValue();
				}
			}
		}
		return null;
	}

	/**
	 * The authenticated user's name.
	 * @return the name, or {@code null} for an anonymous request
	 */
	public String getUserName() {
		Principal principal = this.request.getUserPrincipal();
		return (principal != null) ? principal.getName() : null;
	}

}
