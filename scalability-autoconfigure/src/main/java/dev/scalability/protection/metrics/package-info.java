/**
 * Meters of the protection policies.
 */
package dev.scalability.protection.metrics;
