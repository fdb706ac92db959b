package dev.scalability.cache;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How an entry is kept in the shared store: its value as {@link CacheValueCodec} writes
 * it, behind a header that every instance reads the same way.
 *
 * <p>An entry is {@value #ENTRY}, its version (eight bytes), when it expires (epoch
 * milliseconds, eight bytes), how long its load took (milliseconds, four bytes), then the
 * value. A removed entry leaves a tombstone for a while, {@value #TOMBSTONE} and its
 * version, so that a load that began before the removal cannot write back what it read
 * before it. The version is at the same place in both, bytes 1 to 8, where the store's
 * scripts compare it; a value written by an older version, without a header, has none.
 */
public final class CacheEntryFormat {

	static final byte ENTRY = 3;

	static final byte TOMBSTONE = 4;

	private static final int HEADER = 1 + 8 + 8 + 4;

	/**
	 * What a load expects to find when nothing is there.
	 */
	static final byte[] NOTHING = new byte[0];

	private CacheEntryFormat() {
	}

	/**
	 * A version no other write is likely to have.
	 * @return a new version
	 */
	static long newVersion() {
		long version;
		do {
			version = ThreadLocalRandom.current().nextLong();
		}
		while (version == 0);
		return version;
	}

	/**
	 * A version as the store's scripts compare it.
	 * @param version the version
	 * @return its eight bytes
	 */
	static byte[] version(long version) {
		return ByteBuffer.allocate(8).putLong(version).array();
	}

	/**
	 * An entry's bytes.
	 * @param version its version
	 * @param expiresAt when it expires, in epoch milliseconds
	 * @param loadMillis how long its load took
	 * @param value its value, as the codec wrote it
	 * @return what the store keeps
	 */
	static byte[] entry(long version, long expiresAt, int loadMillis, byte[] value) {
		ByteBuffer bytes = ByteBuffer.allocate(HEADER + value.length);
		bytes.put(ENTRY).putLong(version).putLong(expiresAt).putInt(loadMillis).put(value);
		return bytes.array();
	}

	/**
	 * What an eviction leaves in the store for a while.
	 * @param version a new version, which no load expects
	 * @return its bytes
	 */
	public static byte[] tombstone(long version) {
		return ByteBuffer.allocate(9).put(TOMBSTONE).putLong(version).array();
	}

	/**
	 * A new tombstone.
	 * @return its bytes
	 */
	public static byte[] newTombstone() {
		return tombstone(newVersion());
	}

	/**
	 * Reads the header of what the store keeps.
	 * @param bytes the stored bytes
	 * @return the header
	 * @throws IllegalArgumentException when the bytes are too short for their header
	 */
	static Header read(byte[] bytes) {
		if (bytes.length == 0) {
			throw new IllegalArgumentException("no value: an empty entry");
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		return switch (bytes[0]) {
			case TOMBSTONE -> {
				require(bytes, 9);
				yield new Header(true, buffer.getLong(1), Long.MAX_VALUE, 0, bytes.length);
			}
			case ENTRY -> {
				require(bytes, HEADER + 1);
				yield new Header(false, buffer.getLong(1), buffer.getLong(9), buffer.getInt(17), HEADER);
			}
			// An older version's value, without a header: never refreshed early, never
			// matched by a version.
			default -> new Header(false, 0, Long.MAX_VALUE, 0, 0);
		};
	}

	private static void require(byte[] bytes, int length) {
		if (bytes.length < length) {
			throw new IllegalArgumentException("an entry of " + bytes.length + " bytes, shorter than its header");
		}
	}

	/**
	 * The header of what the store keeps.
	 *
	 * @param tombstone whether it is what an eviction left
	 * @param version its version, 0 when it has none
	 * @param expiresAt when it expires, in epoch milliseconds
	 * @param loadMillis how long its load took
	 * @param valueOffset where its value begins
	 */
	record Header(boolean tombstone, long version, long expiresAt, int loadMillis, int valueOffset) {

		boolean versioned() {
			return this.version != 0;
		}

	}

}
