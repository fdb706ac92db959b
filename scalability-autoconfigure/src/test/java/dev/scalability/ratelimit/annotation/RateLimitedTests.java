package dev.scalability.ratelimit.annotation;

import java.time.Duration;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.RateLimitExceededException;
import dev.scalability.ratelimit.autoconfigure.RateLimitAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @RateLimited} on bean methods: inline limits keyed by an argument, named rules,
 * whole classes, and mistakes caught at start-up.
 */
class RateLimitedTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withPropertyValues("scalability.rate-limit.rules[0].name=ai", "scalability.rate-limit.rules[0].limit=1",
				"scalability.rate-limit.rules[0].window=1m", "scalability.rate-limit.rules[0].paths=/api/ai/**");

	@Test
	void anInlineLimitCountsPerKeyArgument() {
		this.contextRunner.withBean(Quotes.class).run((context) -> {
			Quotes quotes = context.getBean(Quotes.class);
			assertThat(quotes.quote("acme")).isEqualTo("quote for acme");
			assertThat(quotes.quote("acme")).isEqualTo("quote for acme");
			assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> quotes.quote("acme"))
				.satisfies((ex) -> {
					assertThat(ex.getRule()).isEqualTo("Quotes.quote");
					assertThat(ex.getRetryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
				});
			assertThat(quotes.quote("globex")).isEqualTo("quote for globex");
		});
	}

	@Test
	void aNamedRuleAppliesItsLimits() {
		this.contextRunner.withBean(Completions.class).run((context) -> {
			Completions completions = context.getBean(Completions.class);
			completions.complete("alice");
			assertThatExceptionOfType(RateLimitExceededException.class)
				.isThrownBy(() -> completions.complete("alice"))
				.satisfies((ex) -> assertThat(ex.getRule()).isEqualTo("ai"));
			completions.complete("bob");
		});
	}

	@Test
	void anAnnotatedClassLimitsEveryMethodWithOneSharedLimit() {
		this.contextRunner.withBean(Reports.class).run((context) -> {
			Reports reports = context.getBean(Reports.class);
			reports.daily();
			assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(reports::daily);
			assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(reports::weekly);
		});
	}

	@Test
	void anUnknownRuleStopsTheStartUp() {
		this.contextRunner.withBean(UnknownRule.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("@RateLimited on " + UnknownRule.class.getName() + ".call")
				.hasMessageContaining("no rule named 'nope'"));
	}

	@Test
	void aBadKeyExpressionStopsTheStartUp() {
		this.contextRunner.withBean(BadKey.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("key '#id +' is not valid SpEL"));
	}

	@Test
	void aMissingLimitStopsTheStartUp() {
		this.contextRunner.withBean(NoLimit.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("give either rule, or limit and window"));
	}

	@Test
	void twoLimitsUnderOneNameStopTheStartUp() {
		this.contextRunner.withBean(Reports.class)
			.withBean(OtherReports.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("the name 'reports' is used with other limits elsewhere"));
	}

	@Test
	void anInlineLimitCannotTakeTheNameOfARule() {
		this.contextRunner.withBean(Impostor.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("the name 'ai' belongs to a rule"));
	}

	static class OtherReports {

		@RateLimited(limit = 5, window = "1h", name = "reports")
		public String monthly() {
			return "monthly";
		}

	}

	static class Impostor {

		@RateLimited(limit = 5, window = "1h", name = "ai")
		public void call() {
		}

	}

	static class Quotes {

		@RateLimited(limit = 2, window = "1m", key = "#customerId")
		String quote(String customerId) {
			return "quote for " + customerId;
		}

	}

	static class Completions {

		@RateLimited(rule = "ai", key = "#user")
		String complete(String user) {
			return "done";
		}

	}

	@RateLimited(limit = 1, window = "1h", name = "reports")
	static class Reports {

		public String daily() {
			return "daily";
		}

		public String weekly() {
			return "weekly";
		}

	}

	static class UnknownRule {

		@RateLimited(rule = "nope")
		void call() {
		}

	}

	static class BadKey {

		@RateLimited(limit = 1, window = "1s", key = "#id +")
		void call(String id) {
		}

	}

	static class NoLimit {

		@RateLimited(window = "1s")
		void call() {
		}

	}

}
