/**
 * The service's own vital signs (heap after collections, CPU, error rate, latency, pools,
 * breakers, queues) read as signals, checked against thresholds for health, and watched
 * by alert rules.
 */
package dev.scalability.health;
