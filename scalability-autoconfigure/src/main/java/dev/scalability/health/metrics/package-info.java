/**
 * The service's signals read from Micrometer's meters and the JVM.
 */
package dev.scalability.health.metrics;
