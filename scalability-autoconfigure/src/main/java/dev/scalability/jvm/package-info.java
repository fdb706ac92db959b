/**
 * What the JVM says of itself, read once for every feature: the heap after collections.
 */
package dev.scalability.jvm;
