/**
 * How a message is handed to its handler, shared by the event bus and the task queue:
 * the handler method's invocation with its payload converted from JSON, retries with
 * exponential backoff and jitter, and dead letters that keep the last error.
 */
package dev.scalability.delivery;
