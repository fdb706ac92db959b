/**
 * Health {@code scalability} and the alerts in {@code /actuator/scalability}.
 */
package dev.scalability.health.actuate;
