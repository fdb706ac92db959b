/**
 * Alerts in the application itself: rules over the service's signals, evaluated on a
 * schedule, and sent to channels (the log, a webhook, the application's events) when they
 * fire and when they resolve.
 */
package dev.scalability.health.alerts;
