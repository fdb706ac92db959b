package dev.scalability.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.ClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lettuce's defaults that make a request wait on a Redis that does not answer are named,
 * with the setting that changes each.
 */
@ExtendWith(OutputCaptureExtension.class)
class LettuceDefaultsCheckTests {

	@Test
	void lettucesDefaultsAreUnsafeAndTheWarningNamesWhatToSet(CapturedOutput output) {
		LettuceClientConfiguration defaults = LettuceClientConfiguration.defaultConfiguration();
		assertThat(LettuceDefaultsCheck.unsafeDefaults(defaults)).hasSize(2);
		LettuceDefaultsCheck.warnIfUnsafe(defaults, List.of("rate-limit", "cache"));
		assertThat(output).contains("rate-limit, cache use on the request path")
			.contains("its command timeout is 60 s: set spring.data.redis.timeout")
			.contains("disconnectedBehavior(REJECT_COMMANDS)");
	}

	@Test
	void aShortTimeoutAndRejectedCommandsWhileDisconnectedAreSafe(CapturedOutput output) {
		LettuceClientConfiguration safe = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofMillis(500))
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build())
			.build();
		assertThat(LettuceDefaultsCheck.unsafeDefaults(safe)).isEmpty();
		LettuceDefaultsCheck.warnIfUnsafe(safe, List.of("cache"));
		assertThat(output).doesNotContain("unsafe defaults");
	}

}
