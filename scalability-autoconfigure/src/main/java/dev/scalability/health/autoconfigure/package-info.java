/**
 * Auto-configuration of threshold health and in-application alerts.
 */
package dev.scalability.health.autoconfigure;
