package dev.scalability.web;

import jakarta.servlet.ServletRequest;

/**
 * Marks a request the starter refused (a rate limit, the request queue), so that the other
 * features it passed through know it was not served: a rate limit charges nothing for a
 * request the queue turned away.
 */
public final class RefusedRequests {

	private static final String ATTRIBUTE = RefusedRequests.class.getName();

	private RefusedRequests() {
	}

	/**
	 * Marks a request as refused.
	 * @param request the request
	 */
	public static void mark(ServletRequest request) {
		request.setAttribute(ATTRIBUTE, Boolean.TRUE);
	}

	/**
	 * Whether a request was refused.
	 * @param request the request
	 * @return whether a feature refused it
	 */
	public static boolean isRefused(ServletRequest request) {
		return request.getAttribute(ATTRIBUTE) != null;
	}

}
