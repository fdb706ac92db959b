package dev.scalability.protection.autoconfigure;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.protection.ProtectionException;
import dev.scalability.protection.ProtectionPolicies;
import dev.scalability.protection.actuate.ProtectionSnapshotContributor;
import dev.scalability.protection.annotation.Protected;
import dev.scalability.ratelimit.autoconfigure.RateLimitAutoConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Protected} methods under the policies of {@code scalability.protection.policies}:
 * the policy's order, the fallback, the checks at start-up, and what the application sees
 * of them (Resilience4j's registry, meters, the snapshot).
 */
@ExtendWith(OutputCaptureExtension.class)
class ProtectionAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, RateLimitAutoConfiguration.class,
				ProtectionAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("scalability.protection.policies.payments.circuit-breaker.window=2",
				"scalability.protection.policies.payments.circuit-breaker.failure-rate=100",
				"scalability.protection.policies.payments.retry.max-attempts=2",
				"scalability.protection.policies.payments.retry.backoff=10ms");

	@Test
	void aProtectedMethodRetriesInsideItsBreakerAndItsFallbackAnswersOnlyForWhatItTakes() {
		this.contextRunner.withBean(Payments.class).run((context) -> {
			Payments payments = context.getBean(Payments.class);
			assertThat(payments.charge(100, false)).isEqualTo("charged 100");
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> payments.charge(1, true));
			}
			assertThat(payments.calls()).as("one call, then two with a retry each").isEqualTo(5);
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("payments");
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(payments.charge(5, false)).isEqualTo("declined 5: CIRCUIT_OPEN");
			assertThat(payments.calls()).isEqualTo(5);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("scalability.protection.calls").tag("policy", "payments").tag("outcome", "failure")
				.timer()
				.count()).isEqualTo(2);
			assertThat(meters.get("scalability.protection.fallbacks").tag("outcome", "circuit_open").counter().count())
				.isOne();
		});
	}

	@Test
	void theSnapshotShowsEachPolicyWithItsBreakerState() {
		this.contextRunner.withBean(Payments.class).run((context) -> {
			Object section = context.getBean(ProtectionSnapshotContributor.class).snapshot();
			assertThat(section).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.extractingByKey("policies")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.extractingByKey("payments")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsKeys("circuitBreaker", "retry");
		});
	}

	@Test
	void everyPublicMethodOfAProtectedClassRunsUnderItsPolicyAndAFallbackWithoutExceptionTakesAll() {
		this.contextRunner.withBean(Reports.class)
			.withPropertyValues("scalability.protection.policies.reports.timeout=200ms")
			.run((context) -> {
				Reports reports = context.getBean(Reports.class);
				assertThat(reports.slow()).isEqualTo("cached report");
				assertThat(reports.quick()).isEqualTo("report");
			});
	}

	@Test
	void aRateLimitedPolicyCountsOnTheRateLimiter() {
		this.contextRunner.withBean(Payments.class)
			.withPropertyValues("scalability.protection.policies.payments.rate-limit.limit=2",
					"scalability.protection.policies.payments.rate-limit.window=1h")
			.run((context) -> {
				Payments payments = context.getBean(Payments.class);
				payments.charge(1, false);
				payments.charge(2, false);
				assertThat(payments.charge(3, false)).isEqualTo("declined 3: RATE_LIMITED");
			});
		this.contextRunner.withBean(Payments.class)
			.withPropertyValues("scalability.rate-limit.enabled=false",
					"scalability.protection.policies.payments.rate-limit.limit=2")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("scalability.protection.policies.payments.rate-limit")
				.contains("needs the rate limiter"));
	}

	@Test
	void aMethodThatCannotBeProtectedStopsTheStartUpSayingWhy() {
		this.contextRunner.withBean(MissingFallback.class)
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("MissingFallback.charge()")
				.contains("its fallback 'nowhere' is not a method"));
		this.contextRunner.withBean(WrongFallback.class)
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("its fallback 'declined' returns Integer, not String"));
		this.contextRunner.withBean(PrivateMethod.class)
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("it is private"));
		this.contextRunner.withBean(UnknownPolicy.class)
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("its policy 'nowhere' is not configured"));
	}

	@Test
	void aWrongPolicyValueStopsTheStartUpNamingTheProperty() {
		this.contextRunner.withBean(Payments.class)
			.withPropertyValues("scalability.protection.policies.payments.retry.max-attempts=0")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.contains("scalability.protection.policies.payments.retry.max-attempts")
				.contains("must be at least 1"));
	}

	@Test
	void aCallFromAnotherMethodOfTheSameClassIsReportedSinceItBypassesThePolicy(CapturedOutput output) {
		this.contextRunner.withBean(SelfCalling.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("SelfCalling.chargeTwice() calls @Protected charge() of policy 'payments'")
				.contains("does not go through the proxy");
		});
	}

	@Test
	void withProtectionOffMethodsRunBare() {
		this.contextRunner.withBean(Payments.class)
			.withPropertyValues("scalability.protection.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ProtectionPolicies.class);
				assertThat(context.getBean(Payments.class).charge(1, false)).isEqualTo("charged 1");
			});
	}

	@Test
	void aRefusedAuthorizationNeverReachesThePolicyNorItsFallback() {
		this.contextRunner.withUserConfiguration(MethodSecurityConfiguration.class)
			.withBean(AdminReports.class)
			.run((context) -> {
				AdminReports reports = context.getBean(AdminReports.class);
				org.springframework.security.core.context.SecurityContextHolder.clearContext();
				assertThatExceptionOfType(org.springframework.security.core.AuthenticationException.class)
					.isThrownBy(reports::report);
				CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("payments");
				assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
				org.springframework.security.core.context.SecurityContextHolder.getContext()
					.setAuthentication(new org.springframework.security.authentication.TestingAuthenticationToken("ada",
							"secret", "ROLE_ADMIN"));
				try {
					assertThat(reports.report()).isEqualTo("report");
				}
				finally {
					org.springframework.security.core.context.SecurityContextHolder.clearContext();
				}
				assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isOne();
			});
	}

	@Test
	void aCacheHitCostsTheProtectedMethodNoCall() {
		this.contextRunner.withUserConfiguration(CachingConfiguration.class).withBean(CachedPrices.class).run((context) -> {
			CachedPrices prices = context.getBean(CachedPrices.class);
			assertThat(prices.price(7)).isEqualTo(7);
			assertThat(prices.price(7)).isEqualTo(7);
			assertThat(context.getBean(MeterRegistry.class)
				.get("scalability.protection.calls")
				.tag("policy", "payments")
				.timer()
				.count()).isOne();
		});
	}

	@Test
	void aMethodAnnotatedOnItsInterfaceIsProtectedThroughAClassProxy() {
		this.contextRunner.withBean(QuoteService.class).run((context) -> {
			Quotes quotes = context.getBean(QuoteService.class);
			assertThat(quotes.quote()).isEqualTo("42");
			CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("payments");
			assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isOne();
		});
	}

	@Test
	void onlyTheExceptionsARetryIsForAreRetried() {
		this.contextRunner.withBean(Payments.class)
			.withPropertyValues("scalability.protection.policies.payments.retry.retry-on=java.net.ConnectException")
			.run((context) -> {
				Payments payments = context.getBean(Payments.class);
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> payments.charge(1, true));
				assertThat(payments.calls()).as("not retried").isOne();
			});
	}

	@Test
	void aFallbackOfTheExceptionsTypeAnswersItAndAPlainOneAnswersTheRest() {
		this.contextRunner.withBean(Overloaded.class).run((context) -> {
			Overloaded overloaded = context.getBean(Overloaded.class);
			assertThat(overloaded.find(3)).isEqualTo("plain 3");
		});
		this.contextRunner.withBean(InheritingService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(InheritingService.class).find(4)).isEqualTo("from the subclass 4");
		});
	}

	@Test
	void aClassLevelAnnotationCoversWhatTheClassDeclaresNotWhatItInherits() {
		this.contextRunner.withBean(ProtectedSubclass.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ProtectedSubclass bean = context.getBean(ProtectedSubclass.class);
			assertThat(bean.work()).isEqualTo("work");
			assertThat(bean.inherited()).isEqualTo("inherited");
			assertThat(bean.toString()).isEqualTo("subclass");
			assertThat(context.getBean(MeterRegistry.class)
				.get("scalability.protection.calls")
				.tag("policy", "payments")
				.timer()
				.count()).isOne();
		});
	}

	@Test
	void aBreakerResilience4jAlreadyConfiguresUnderThePolicysNameStopsTheStartUp() {
		this.contextRunner.withBean(Payments.class).withBean(CircuitBreakerRegistry.class, () -> {
			CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
			registry.circuitBreaker("payments");
			return registry;
		}).run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
			.contains("scalability.protection.policies.payments.circuit-breaker")
			.contains("resilience4j.circuitbreaker.instances.payments"));
	}

	@Test
	void beansOfOneClassAreCheckedOnce(CapturedOutput output) {
		this.contextRunner.withBean("first", SelfCalling.class).withBean("second", SelfCalling.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output.getOut().split("SelfCalling.chargeTwice\\(\\) calls @Protected", -1)).hasSize(2);
		});
	}

	private static FailureAnalysis analysis(Throwable failure) {
		assertThat(failure).isNotNull();
		return dev.scalability.autoconfigure.FailureAnalyses.analyze(failure);
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	@org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity
	static class MethodSecurityConfiguration {

	}

	static class AdminReports {

		@Protected(policy = "payments", fallback = "none")
		@org.springframework.security.access.prepost.PreAuthorize("hasRole('ADMIN')")
		public String report() {
			return "report";
		}

		String none(Exception failure) {
			return "fallback";
		}

	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	@org.springframework.cache.annotation.EnableCaching
	static class CachingConfiguration {

		@org.springframework.context.annotation.Bean
		org.springframework.cache.CacheManager cacheManager() {
			return new org.springframework.cache.concurrent.ConcurrentMapCacheManager();
		}

	}

	static class CachedPrices {

		@Protected(policy = "payments")
		@org.springframework.cache.annotation.Cacheable("prices")
		public int price(int id) {
			return id;
		}

	}

	interface Quotes {

		@Protected(policy = "payments")
		String quote();

	}

	static class QuoteService implements Quotes {

		@Override
		public String quote() {
			return "42";
		}

	}

	static class Overloaded {

		@Protected(policy = "payments", fallback = "fallback")
		public String find(int id) {
			throw new IllegalStateException("down");
		}

		String fallback(int id) {
			return "plain " + id;
		}

		String fallback(int id, ProtectionException refused) {
			return "refused " + id;
		}

	}

	static class BaseService {

		@Protected(policy = "payments", fallback = "recover")
		public String find(int id) {
			throw new IllegalStateException("down");
		}

	}

	static class InheritingService extends BaseService {

		String recover(int id) {
			return "from the subclass " + id;
		}

	}

	static class FinalBase {

		public final String inherited() {
			return "inherited";
		}

	}

	@Protected(policy = "payments")
	static class ProtectedSubclass extends FinalBase {

		public String work() {
			return "work";
		}

		@Override
		public String toString() {
			return "subclass";
		}

	}

	static class Payments {

		private final AtomicInteger calls = new AtomicInteger();

		@Protected(policy = "payments", fallback = "declined")
		public String charge(long cents, boolean fail) {
			this.calls.incrementAndGet();
			if (fail) {
				throw new IllegalStateException("bank down");
			}
			return "charged " + cents;
		}

		String declined(long cents, boolean fail, ProtectionException refused) {
			return "declined " + cents + ": " + refused.getReason();
		}

		int calls() {
			return this.calls.get();
		}

	}

	@Protected(policy = "reports", fallback = "cached")
	static class Reports {

		public String slow() throws InterruptedException {
			Thread.sleep(10_000);
			return "fresh report";
		}

		public String quick() {
			return "report";
		}

		String cached() {
			return "cached report";
		}

	}

	static class MissingFallback {

		@Protected(policy = "payments", fallback = "nowhere")
		public String charge() {
			return "charged";
		}

	}

	static class WrongFallback {

		@Protected(policy = "payments", fallback = "declined")
		public String charge() {
			return "charged";
		}

		Integer declined() {
			return 0;
		}

	}

	static class PrivateMethod {

		@Protected(policy = "payments")
		private String charge() {
			return "charged";
		}

	}

	static class UnknownPolicy {

		@Protected(policy = "nowhere")
		public String charge() {
			return "charged";
		}

	}

	static class SelfCalling {

		@Protected(policy = "payments")
		public String charge() {
			return "charged";
		}

		public String chargeTwice() {
			return charge() + charge();
		}

	}

}
