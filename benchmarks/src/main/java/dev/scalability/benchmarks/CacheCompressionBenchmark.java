package dev.scalability.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.scalability.cache.CacheValueCodec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compressing cached values: LZ4's fast compressor, as the cache's codec uses it, against
 * zstd at levels 1 and 3. The values are what the codec writes for Redis before it
 * compresses: the JSON of a list of product records, with the class of each record, of
 * about 2 KB, 20 KB and 200 KB. The records are made from a fixed seed: words of a small
 * vocabulary in names and descriptions, random SKUs, UUIDs, prices and stock, so that
 * they compress about as real catalog data does, neither as well as repeated text nor as
 * badly as noise.
 * <p>
 * Each operation makes what the codec would store or read: LZ4 into an array of the
 * largest compressed length then copied to its size, as {@code CacheValueCodec} does, and
 * read back knowing the original length; zstd through {@link Zstd#compress(byte[], int)} and
 * {@link Zstd#decompress(byte[], int)} (a context made per call), and through a context
 * kept and reused, as a codec would keep one per thread. The sizes and ratios are printed
 * once per trial, in the setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CacheCompressionBenchmark {

	private static final List<String> WORDS = List.of("desk", "lamp", "oak", "walnut", "steel", "matte", "black",
			"white", "brushed", "brass", "linen", "wool", "cotton", "chair", "table", "shelf", "cabinet", "drawer",
			"sofa", "cushion", "rug", "mirror", "frame", "vase", "bowl", "plate", "mug", "glass", "bottle", "kettle",
			"adjustable", "compact", "foldable", "stackable", "ergonomic", "handmade", "recycled", "solid",
			"durable", "lightweight", "modern", "classic", "nordic", "industrial", "minimal", "warm", "soft",
			"round", "square", "tall", "low", "wide", "narrow", "with", "and", "for", "the", "a", "of", "in",
			"base", "top", "legs", "finish", "storage", "living", "room", "bedroom", "office", "kitchen", "garden",
			"outdoor", "indoor", "set", "pack", "pair", "large", "small", "medium", "extra", "LED", "dimmable",
			"cord", "switch", "bulb", "shade", "fabric", "leather", "velvet", "ceramic", "porcelain", "bamboo");

	private static final List<String> CATEGORIES = List.of("lighting", "furniture", "textiles", "kitchen",
			"decoration", "storage", "outdoor", "office");

	private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

	@Param({ "2", "20", "200" })
	public int kilobytes;

	private byte[] json;

	private byte[] lz4;

	private byte[] zstd1;

	private byte[] zstd3;

	private ZstdCompressCtx level1;

	private ZstdDecompressCtx decompressing;

	@Setup(Level.Trial)
	public void values() {
		CacheValueCodec codec = new CacheValueCodec(JsonMapper.builder().build(), List.of("dev.scalability.benchmarks"),
				Integer.MAX_VALUE);
		Random random = new Random(42);
		List<Product> products = new ArrayList<>();
		byte[] written = new byte[0];
		while (written.length < this.kilobytes * 1024) {
			products.add(product(random, products.size()));
			written = codec.write(products);
		}
		// The codec's format byte, then the JSON it would compress.
		this.json = Arrays.copyOfRange(written, 1, written.length);
		this.lz4 = lz4Compress();
		this.zstd1 = Zstd.compress(this.json, 1);
		this.zstd3 = Zstd.compress(this.json, 3);
		this.level1 = new ZstdCompressCtx().setLevel(1);
		this.decompressing = new ZstdDecompressCtx();
		if (!Arrays.equals(this.json, lz4Decompress()) || !Arrays.equals(this.json, zstd1Decompress())
				|| !Arrays.equals(this.json, zstd3Decompress())
				|| !Arrays.equals(this.json, this.decompressing.decompress(this.zstd1, this.json.length))
				|| !Arrays.equals(this.zstd1, zstd1CompressReusedContext())) {
			throw new IllegalStateException("a value does not come back as it went in");
		}
		System.out.println();
		System.out.printf(Locale.ROOT,
				"[sizes] %d KB value: %d products, JSON %,d B | LZ4 fast %,d B (%.2fx) | zstd 1 %,d B (%.2fx) | "
						+ "zstd 3 %,d B (%.2fx) | %s%n",
				this.kilobytes, products.size(), this.json.length, this.lz4.length, ratio(this.lz4),
				this.zstd1.length, ratio(this.zstd1), this.zstd3.length, ratio(this.zstd3), LZ4);
	}

	@TearDown(Level.Trial)
	public void close() {
		this.level1.close();
		this.decompressing.close();
	}

	private double ratio(byte[] compressed) {
		return (double) this.json.length / compressed.length;
	}

	@Benchmark
	public byte[] lz4Compress() {
		// As CacheValueCodec: room for the largest block, then copied to its length.
		LZ4Compressor compressor = LZ4.fastCompressor();
		byte[] bytes = new byte[compressor.maxCompressedLength(this.json.length)];
		int length = compressor.compress(this.json, 0, this.json.length, bytes, 0, bytes.length);
		return Arrays.copyOf(bytes, length);
	}

	@Benchmark
	public byte[] lz4Decompress() {
		LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
		byte[] bytes = new byte[this.json.length];
		int read = decompressor.decompress(this.lz4, 0, this.lz4.length, bytes, 0);
		if (read != bytes.length) {
			throw new IllegalStateException("read " + read + " bytes");
		}
		return bytes;
	}

	@Benchmark
	public byte[] zstd1Compress() {
		return Zstd.compress(this.json, 1);
	}

	@Benchmark
	public byte[] zstd3Compress() {
		return Zstd.compress(this.json, 3);
	}

	@Benchmark
	public byte[] zstd1Decompress() {
		return Zstd.decompress(this.zstd1, this.json.length);
	}

	@Benchmark
	public byte[] zstd3Decompress() {
		return Zstd.decompress(this.zstd3, this.json.length);
	}

	@Benchmark
	public byte[] zstd1CompressReusedContext() {
		return this.level1.compress(this.json);
	}

	@Benchmark
	public byte[] zstd1DecompressReusedContext() {
		return this.decompressing.decompress(this.zstd1, this.json.length);
	}

	private static Product product(Random random, int index) {
		Map<String, String> attributes = new LinkedHashMap<>();
		attributes.put("color", word(random));
		attributes.put("material", word(random));
		attributes.put("width", (20 + random.nextInt(180)) + " cm");
		attributes.put("height", (10 + random.nextInt(200)) + " cm");
		return new Product(100_000L + index * 7L + random.nextInt(7), sku(random), words(random, 2 + random.nextInt(3)),
				words(random, 12 + random.nextInt(20)), CATEGORIES.get(random.nextInt(CATEGORIES.size())),
				99L + random.nextInt(50_000), "EUR", random.nextInt(500), List.of(word(random), word(random)),
				attributes, new UUID(random.nextLong(), random.nextLong()).toString(),
				Instant.ofEpochSecond(1_767_225_600L + random.nextInt(30_000_000)));
	}

	private static String sku(Random random) {
		StringBuilder sku = new StringBuilder("SKU-");
		for (int i = 0; i < 8; i++) {
			sku.append("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".charAt(random.nextInt(34)));
		}
		return sku.toString();
	}

	private static String words(Random random, int count) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < count; i++) {
			if (i > 0) {
				text.append(' ');
			}
			text.append(word(random));
		}
		return text.toString();
	}

	private static String word(Random random) {
		return WORDS.get(random.nextInt(WORDS.size()));
	}

	/**
	 * A product as a catalog service would cache it.
	 *
	 * @param id the id
	 * @param sku the stock-keeping unit
	 * @param name the name
	 * @param description the description
	 * @param category the category
	 * @param priceInCents the price
	 * @param currency the price's currency
	 * @param stock units in stock
	 * @param tags search tags
	 * @param attributes color, material, sizes
	 * @param imageId the id of its picture
	 * @param updatedAt when it last changed
	 */
	public record Product(long id, String sku, String name, String description, String category, long priceInCents,
			String currency, int stock, List<String> tags, Map<String, String> attributes, String imageId,
			Instant updatedAt) {

	}

}
