package dev.scalability.delivery;

import java.lang.reflect.Type;

/**
 * Turns payloads into text and back, so that they cross instances (and a memory backend
 * behaves as a shared one does: a handler gets a copy in the type it declares, never the
 * publisher's object).
 */
public interface PayloadCodec {

	/**
	 * Writes a payload.
	 * @param payload the payload, may be {@code null}
	 * @return its text
	 * @throws IllegalArgumentException when the payload cannot be written
	 */
	String write(Object payload);

	/**
	 * Reads a payload as the given type.
	 * @param text what {@link #write} produced
	 * @param type the type wanted, generic types included
	 * @return the payload
	 * @throws IllegalArgumentException when the text cannot be read as that type
	 */
	Object read(String text, Type type);

}
