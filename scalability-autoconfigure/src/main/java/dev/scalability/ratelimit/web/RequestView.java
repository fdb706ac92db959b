package dev.scalability.ratelimit.web;

import java.security.Principal;

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

	public String getRemoteAddr() {
		return this.request.getRemoteAddr();
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
