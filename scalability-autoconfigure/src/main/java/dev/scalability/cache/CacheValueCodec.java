package dev.scalability.cache;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/**
 * Writes cached values as bytes for the shared store, and reads them back as the type they
 * were: JSON with the class of each value that is not a plain JSON value, so that records,
 * generics and polymorphic values come back as they went in. A class is read only from the
 * application's own packages, the trusted ones, and the JDK's value types: a value written
 * by somebody else into Redis cannot make this instance load any class it likes. Never
 * Java serialization.
 *
 * <p>The first byte says how the rest is written, so that the format can change without
 * misreading what older instances wrote: {@value #NULL} a cached {@code null},
 * {@value #JSON} JSON, {@value #JSON_LZ4} JSON larger than the compression threshold,
 * compressed with LZ4 (its length in four bytes, then the block).
 */
public final class CacheValueCodec {

	static final byte NULL = 0;

	static final byte JSON = 1;

	static final byte JSON_LZ4 = 2;

	/**
	 * The largest value read back from a compressed entry: a few bytes must not make this
	 * instance allocate gigabytes.
	 */
	private static final int LARGEST_VALUE = 64 * 1024 * 1024;

	private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

	/**
	 * The JDK's value and collection classes, by name or prefix: nothing that runs code
	 * when it is made.
	 */
	private static final List<String> JDK_VALUE_TYPES = List.of("java.lang.String", "java.lang.Boolean",
			"java.lang.Character", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
			"java.lang.Float", "java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger", "java.time.",
			"java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
			"java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
			"java.util.ImmutableCollections$", "java.util.Collections$", "java.util.Arrays$ArrayList",
			"java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency", "java.net.URI");

	private final ObjectWriter writer;

	private final ObjectReader reader;

	private final int compressionThreshold;

	/**
	 * Creates a codec that compresses values over 1 KB.
	 * @param mapper the application's mapper, whose modules and settings are kept
	 * @param trustedPackages packages whose classes may be read back, such as
	 * {@code com.example.shop}
	 */
	public CacheValueCodec(JsonMapper mapper, Collection<String> trustedPackages) {
		this(mapper, trustedPackages, 1024);
	}

	/**
	 * Creates a codec.
	 * @param mapper the application's mapper, whose modules and settings are kept
	 * @param trustedPackages packages whose classes may be read back, such as
	 * {@code com.example.shop}
	 * @param compressionThreshold values whose JSON is larger than this many bytes are
	 * compressed
	 */
	public CacheValueCodec(JsonMapper mapper, Collection<String> trustedPackages, int compressionThreshold) {
		if (compressionThreshold < 0) {
			throw new IllegalArgumentException("the compression threshold must not be negative");
		}
		this.compressionThreshold = compressionThreshold;
		BasicPolymorphicTypeValidator.Builder validator = BasicPolymorphicTypeValidator.builder();
		JDK_VALUE_TYPES.forEach(validator::allowIfSubType);
		trustedPackages.forEach((name) -> validator.allowIfSubType(name.endsWith(".") ? name : name + "."));
		JsonMapper typed = mapper.rebuild()
			.activateDefaultTypingAsProperty(validator.build(), DefaultTyping.NON_FINAL_AND_RECORDS, "@class")
			.build();
		this.writer = typed.writerFor(Object.class);
		this.reader = typed.readerFor(Object.class);
	}

	/**
	 * Writes a value.
	 * @param value the value; {@code null} for a cached {@code null}
	 * @return its bytes
	 * @throws IllegalArgumentException when the value cannot be written as JSON
	 */
	public byte[] write(Object value) {
		if (value == null) {
			return new byte[] { NULL };
		}
		byte[] json;
		try {
			json = this.writer.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("A value of " + value.getClass().getName()
					+ " cannot be cached as JSON: " + ex.getOriginalMessage(), ex);
		}
		if (json.length > this.compressionThreshold) {
			return compressed(json);
		}
		byte[] bytes = new byte[json.length + 1];
		bytes[0] = JSON;
		System.arraycopy(json, 0, bytes, 1, json.length);
		return bytes;
	}

	/**
	 * Reads a value.
	 * @param bytes what {@link #write} wrote
	 * @return the value, or {@code null} for a cached {@code null}
	 * @throws IllegalArgumentException when the bytes are no value this codec can read:
	 * another format, a class that is not trusted, JSON that does not fit its class
	 */
	public Object read(byte[] bytes) {
		return read(bytes, 0);
	}

	/**
	 * Reads a value that begins further in.
	 * @param bytes bytes that hold what {@link #write} wrote from {@code offset} on
	 * @param offset where it begins
	 * @return the value, or {@code null} for a cached {@code null}
	 * @throws IllegalArgumentException when the bytes are no value this codec can read
	 */
	public Object read(byte[] bytes, int offset) {
		if (bytes == null || bytes.length <= offset) {
			throw new IllegalArgumentException("no value: an empty entry");
		}
		return switch (bytes[offset]) {
			case NULL -> null;
			case JSON -> readJson(bytes, offset + 1, bytes.length - offset - 1);
			case JSON_LZ4 -> readCompressed(bytes, offset);
			default -> throw new IllegalArgumentException("a value of format " + bytes[offset]
					+ ", which this version cannot read (written by a newer one?)");
		};
	}

	private static byte[] compressed(byte[] json) {
		LZ4Compressor compressor = LZ4.fastCompressor();
		byte[] bytes = new byte[5 + compressor.maxCompressedLength(json.length)];
		bytes[0] = JSON_LZ4;
		ByteBuffer.wrap(bytes, 1, 4).putInt(json.length);
		int length = compressor.compress(json, 0, json.length, bytes, 5, bytes.length - 5);
		return Arrays.copyOf(bytes, 5 + length);
	}

	private Object readCompressed(byte[] bytes, int offset) {
		int block = offset + 5;
		if (bytes.length < block) {
			throw new IllegalArgumentException("a compressed value without its length");
		}
		int length = ByteBuffer.wrap(bytes).getInt(offset + 1);
		// LZ4 never shrinks data more than 255 times: a larger claim is a forgery.
		if (length < 0 || length > LARGEST_VALUE || length > 255L * (bytes.length - block) + 64) {
			throw new IllegalArgumentException("a compressed value of " + length + " bytes, more than this reads");
		}
		byte[] json = new byte[length];
		try {
			int read = LZ4.safeDecompressor().decompress(bytes, block, bytes.length - block, json, 0);
			if (read != length) {
				throw new IllegalArgumentException("a compressed value of " + read + " bytes, not " + length);
			}
		}
		catch (LZ4Exception ex) {
			throw new IllegalArgumentException("a compressed value that cannot be read: " + ex.getMessage(), ex);
		}
		return readJson(json, 0, json.length);
	}

	private Object readJson(byte[] bytes, int offset, int length) {
		try {
			return this.reader.readValue(bytes, offset, length);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("a value that cannot be read: " + ex.getOriginalMessage(), ex);
		}
	}

}
