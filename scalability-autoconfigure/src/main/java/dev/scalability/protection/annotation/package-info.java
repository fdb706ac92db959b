/**
 * {@code @Protected} bean methods: a protection policy and a fallback around each call.
 */
package dev.scalability.protection.annotation;
