/**
 * The protection policies in {@code /actuator/scalability}.
 */
package dev.scalability.protection.actuate;
