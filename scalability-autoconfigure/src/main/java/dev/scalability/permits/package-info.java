/**
 * Permits by rate, for features that limit how fast they do something (the task queue's
 * starts) through whatever counts them (the rate limiter). Knows no feature.
 */
package dev.scalability.permits;
