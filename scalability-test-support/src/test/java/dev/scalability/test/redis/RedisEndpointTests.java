package dev.scalability.test.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisEndpointTests {

	@Test
	void parsesHostAndPortFromARedisUrl() {
		assertThat(RedisEndpoint.parse("redis://10.1.2.3:7000")).isEqualTo(new RedisEndpoint("10.1.2.3", 7000));
	}

	@Test
	void aUrlWithoutPortMeansTheRedisDefaultPort() {
		assertThat(RedisEndpoint.parse("redis://cache.example")).isEqualTo(new RedisEndpoint("cache.example", 6379));
	}

	@Test
	void urlRoundTripsThroughParse() {
		RedisEndpoint ipv6 = new RedisEndpoint("::1", 7001);

		assertThat(ipv6.url()).isEqualTo("redis://[::1]:7001");
		assertThat(RedisEndpoint.parse(ipv6.url())).isEqualTo(ipv6);
		assertThat(new RedisEndpoint("127.0.0.1", 16000).url()).isEqualTo("redis://127.0.0.1:16000");
	}

	@Test
	void urlsCarryingWhatTheEndpointCannotHoldAreRefusedRatherThanTruncated() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse("redis://:secret@host:6379"));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse("redis://host:6379/2"));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse("rediss://host:6379"));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse("host:6379"));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisEndpoint.parse(" "));
	}

	@Test
	void springPropertiesPointSpringDataRedisAtTheEndpoint() {
		assertThat(new RedisEndpoint("127.0.0.1", 16000).springProperties())
			.containsExactly("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=16000");
	}

}
