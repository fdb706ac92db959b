package dev.scalability.cache;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Values come back from the shared store as the type they went in, and only classes the
 * application trusts are ever made from what the store holds.
 */
class CacheValueCodecTests {

	private final CacheValueCodec codec = new CacheValueCodec(JsonMapper.builder().build(),
			List.of("dev.scalability.cache"));

	@Test
	void recordsGenericsAndPolymorphicValuesComeBackAsTheTypeTheyWere() {
		Product product = new Product(42L, "lamp", new BigDecimal("19.90"), Instant.parse("2026-11-30T10:00:00Z"));
		assertThat(roundTrip(product)).isEqualTo(product);
		assertThat(roundTrip(List.of(product, product))).isEqualTo(List.of(product, product));
		assertThat(roundTrip(Map.of("a", product))).isEqualTo(Map.of("a", product));
		List<Shape> shapes = List.of(new Circle(1.5), new Square(2));
		assertThat(roundTrip(shapes)).isEqualTo(shapes);
		assertThat(((List<?>) roundTrip(shapes)).get(0)).isInstanceOf(Circle.class);
		assertThat(roundTrip(new Box(new Square(3)))).isEqualTo(new Box(new Square(3)));
	}

	@Test
	void plainValuesKeepTheirJavaType() {
		assertThat(roundTrip(42L)).isEqualTo(42L).isInstanceOf(Long.class);
		assertThat(roundTrip(42)).isEqualTo(42);
		assertThat(roundTrip("text")).isEqualTo("text");
		assertThat(roundTrip(true)).isEqualTo(true);
		UUID id = UUID.randomUUID();
		assertThat(roundTrip(id)).isEqualTo(id);
		assertThat(roundTrip(Set.of("x"))).isEqualTo(Set.of("x"));
		assertThat(roundTrip(null)).isNull();
	}

	@Test
	void aClassOutsideTheTrustedPackagesIsNeverMadeFromTheStore() {
		CacheValueCodec writing = new CacheValueCodec(JsonMapper.builder().build(), List.of("dev.scalability"));
		CacheValueCodec reading = new CacheValueCodec(JsonMapper.builder().build(), List.of("com.example"));
		byte[] bytes = writing.write(new Product(1L, "lamp", BigDecimal.ONE, Instant.EPOCH));
		assertThatIllegalArgumentException().isThrownBy(() -> reading.read(bytes))
			.withMessageContaining("cannot be read");
	}

	@Test
	void aFormatThisVersionDoesNotKnowIsRefusedRatherThanMisread() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.read(new byte[] { 9, '{', '}' }))
			.withMessageContaining("format 9");
	}

	@Test
	void theFirstByteSaysHowTheRestIsWritten() {
		assertThat(this.codec.write(null)).containsExactly(CacheValueCodec.NULL);
		assertThat(this.codec.write("x")[0]).isEqualTo(CacheValueCodec.JSON);
	}

	@Test
	void valuesOverTheThresholdAreCompressedAndComeBackTheSame() {
		CacheValueCodec compressing = new CacheValueCodec(JsonMapper.builder().build(), List.of("dev.scalability.cache"),
				100);
		String small = "x".repeat(50);
		assertThat(compressing.write(small)[0]).as("under the threshold").isEqualTo(CacheValueCodec.JSON);
		List<Product> large = java.util.stream.IntStream.range(0, 200)
			.mapToObj((i) -> new Product((long) i, "lamp " + i, BigDecimal.TEN, Instant.EPOCH))
			.toList();
		byte[] bytes = compressing.write(large);
		assertThat(bytes[0]).isEqualTo(CacheValueCodec.JSON_LZ4);
		int json = new CacheValueCodec(JsonMapper.builder().build(), List.of(), Integer.MAX_VALUE).write(large).length;
		assertThat(bytes.length).as("a third of its JSON at most").isLessThan(json / 3);
		assertThat(compressing.read(bytes)).isEqualTo(large);
		assertThat(this.codec.read(bytes)).as("read by any instance, whatever its threshold").isEqualTo(large);
	}

	@Test
	void aCompressedEntryClaimingAHugeLengthIsRefusedWithoutAllocatingIt() {
		byte[] bomb = { CacheValueCodec.JSON_LZ4, 0x7f, 0x7f, 0x7f, 0x7f, 0, 0 };
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.read(bomb)).withMessageContaining("more than");
	}

	private Object roundTrip(Object value) {
		return this.codec.read(this.codec.write(value));
	}

	record Product(Long id, String name, BigDecimal price, Instant updated) {

	}

	sealed interface Shape permits Circle, Square {

	}

	record Circle(double radius) implements Shape {

	}

	record Square(int side) implements Shape {

	}

	record Box(Shape content) {

	}

}
