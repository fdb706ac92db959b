package dev.scalability.delivery;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.scalability.delivery.trusted.Parcel;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JacksonPayloadCodecTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void aClassNamedTypeIdIsReadForAClassOfATrustedPackage() {
		JacksonPayloadCodec codec = JacksonPayloadCodec.trusting(this.mapper, List.of("dev.scalability.delivery.trusted"));
		String json = codec.write(new Envelope(new Parcel("books")));
		assertThat(json).contains("dev.scalability.delivery.trusted.Parcel");
		assertThat(codec.read(json, Envelope.class)).isEqualTo(new Envelope(new Parcel("books")));
	}

	@Test
	void aClassNamedTypeIdOutsideTheTrustedPackagesIsRefused() {
		JacksonPayloadCodec codec = JacksonPayloadCodec.trusting(this.mapper, List.of("dev.scalability.delivery.trusted"));
		String hostile = "{\"body\":{\"@class\":\"java.util.HashMap\"}}";
		assertThatIllegalArgumentException().isThrownBy(() -> codec.read(hostile, Envelope.class))
			.withMessageContaining("java.util.HashMap");
	}

	@Test
	void aPackageNameTrustsItsSubPackagesButNotAPackageThatOnlyStartsLikeIt() {
		JacksonPayloadCodec codec = JacksonPayloadCodec.trusting(this.mapper, List.of("dev.scalability.delivery.trust"));
		String json = "{\"body\":{\"@class\":\"dev.scalability.delivery.trusted.Parcel\",\"name\":\"books\"}}";
		assertThatIllegalArgumentException().isThrownBy(() -> codec.read(json, Envelope.class));
		JacksonPayloadCodec parent = JacksonPayloadCodec.trusting(this.mapper, List.of("dev.scalability.delivery"));
		assertThat(parent.read(json, Envelope.class)).isEqualTo(new Envelope(new Parcel("books")));
	}

	@Test
	void withoutTrustedPackagesAClassNamedTypeIdOnAnObjectIsRefused() {
		JacksonPayloadCodec codec = new JacksonPayloadCodec(this.mapper);
		String json = "{\"body\":{\"@class\":\"dev.scalability.delivery.trusted.Parcel\",\"name\":\"books\"}}";
		assertThatIllegalArgumentException().isThrownBy(() -> codec.read(json, Envelope.class));
	}

	@Test
	void plainPayloadsAreReadWhateverThePackagesTrusted() {
		JacksonPayloadCodec codec = JacksonPayloadCodec.trusting(this.mapper, List.of("com.example"));
		assertThat(codec.read(codec.write(Map.of("order", 1)), Map.class)).isEqualTo(Map.of("order", 1));
	}

	/**
	 * A payload whose body names its class.
	 *
	 * @param body the body
	 */
	public record Envelope(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object body) {

	}

}
