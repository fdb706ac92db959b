package dev.scalability.test.web;

import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Sets the peer address of a MockMvc request, as a connection from that address would.
 */
public final class RemoteAddress {

	private RemoteAddress() {
	}

	public static RequestPostProcessor from(String address) {
		return (request) -> {
			request.setRemoteAddr(address);
			return request;
		};
	}

}
