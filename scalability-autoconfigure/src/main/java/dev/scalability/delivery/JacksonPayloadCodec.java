package dev.scalability.delivery;

import java.lang.reflect.Type;
import java.util.Collection;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/**
 * Payloads as JSON, with the application's {@link JsonMapper}, so that its modules and
 * settings apply. Default typing is never turned on here; a type id naming a class
 * ({@code @JsonTypeInfo(use = CLASS)}) is read only for a class the codec trusts, so that
 * a payload cannot make the application build any class it can load.
 */
public final class JacksonPayloadCodec implements PayloadCodec {

	private final JsonMapper mapper;

	public JacksonPayloadCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * A codec that reads class-named type ids only for classes in the given packages (and
	 * their sub-packages); type ids by name ({@code @JsonSubTypes}) are unaffected.
	 * @param mapper the application's mapper
	 * @param trustedPackages the packages, such as {@code com.example.orders}
	 * @return the codec
	 */
	public static JacksonPayloadCodec trusting(JsonMapper mapper, Collection<String> trustedPackages) {
		BasicPolymorphicTypeValidator.Builder validator = BasicPolymorphicTypeValidator.builder();
		for (String trusted : trustedPackages) {
			String name = trusted.strip();
			if (name.isEmpty()) {
				continue;
			}
			validator.allowIfSubType(name.endsWith(".") ? name : name + ".");
		}
		return new JacksonPayloadCodec(mapper.rebuild().polymorphicTypeValidator(validator.build()).build());
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
