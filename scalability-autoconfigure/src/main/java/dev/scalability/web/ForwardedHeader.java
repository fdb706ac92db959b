package dev.scalability.web;

/**
 * The header trusted proxies write the client's address to. Only that one is read: a
 * proxy appends to its own header and passes any other through untouched, so reading the
 * other would let a client choose its address.
 */
public enum ForwardedHeader {

	/**
	 * {@code X-Forwarded-For: client, proxy1, proxy2}: what most load balancers and
	 * ingress controllers write.
	 */
	X_FORWARDED_FOR,

	/**
	 * {@code Forwarded: for=client, for=proxy1} (RFC 7239).
	 */
	FORWARDED

}
