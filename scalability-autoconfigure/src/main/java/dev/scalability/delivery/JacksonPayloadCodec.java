package dev.scalability.delivery;

import java.lang.reflect.Type;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payloads as JSON, with the application's {@link JsonMapper}, so that its modules and
 * settings apply. Polymorphic types are read only as the mapper allows: default typing is
 * never turned on here.
 */
public final class JacksonPayloadCodec implements PayloadCodec {

	private final JsonMapper mapper;

	public JacksonPayloadCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public String write(Object payload) {
		try {
			return this.mapper.writeValueAsString(payload);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot write " + payload.getClass().getName() + " as JSON: "
					+ ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public Object read(String text, Type type) {
		try {
			return this.mapper.readValue(text, this.mapper.constructType(type));
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot read the payload as " + type.getTypeName() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

}
