/**
 * Protection policies: a rate limit, a bulkhead, a time limit, a circuit breaker and
 * retries around a call, in one fixed order, on Resilience4j and the rate limiter.
 */
package dev.scalability.protection;
