package dev.scalability.delivery.trusted;

/**
 * A payload class in a package a codec is told to trust.
 *
 * @param name its name
 */
public record Parcel(String name) {

}
