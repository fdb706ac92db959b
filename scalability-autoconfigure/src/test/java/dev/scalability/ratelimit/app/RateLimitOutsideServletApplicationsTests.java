package dev.scalability.ratelimit.app;

import dev.scalability.actuate.autoconfigure.ScalabilityEndpointAutoConfiguration;
import dev.scalability.actuate.autoconfigure.ScalabilityHealthAutoConfiguration;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.ratelimit.RateLimitExceededException;
import dev.scalability.ratelimit.RateLimiterService;
import dev.scalability.ratelimit.annotation.RateLimited;
import dev.scalability.ratelimit.autoconfigure.RateLimitAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @RateLimited} and {@code RateLimiterService} in applications that are not servlet
 * applications: one without the servlet API or spring-web on the class path at all, and a
 * WebFlux one.
 */
@ExtendWith(OutputCaptureExtension.class)
class RateLimitOutsideServletApplicationsTests {

	private static final String RULE = "scalability.rate-limit.rules[0].";

	private static final String[] RULES = { RULE + "name=ai", RULE + "paths=/api/ai/**", RULE + "limit=1",
			RULE + "window=1h" };

	@Test
	void anApplicationWithoutTheServletApiOrSpringWebLimitsMethodsAndCode() {
		new ApplicationContextRunner()
			.withClassLoader(new FilteredClassLoader("jakarta.servlet", "org.springframework.web",
					"org.springframework.http", "tools.jackson"))
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
					RateLimitAutoConfiguration.class, ScalabilityEndpointAutoConfiguration.class,
					ScalabilityHealthAutoConfiguration.class))
			.withPropertyValues(RULES)
			.withBean(ReportBuilder.class, Reports::new)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("rateLimitFilter");
				RateLimiterService service = context.getBean(RateLimiterService.class);
				assertThat(service.tryAcquire("ai", "batch").allowed()).isTrue();
				assertThat(service.tryAcquire("ai", "batch").allowed()).isFalse();
				ReportBuilder reports = context.getBean(ReportBuilder.class);
				reports.build("acme");
				assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> reports.build("acme"));
			});
	}

	@Test
	void aWebFluxApplicationStartsAndIsToldThatRulesDoNotApplyToItsRequests(CapturedOutput output) {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class,
					RateLimitAutoConfiguration.class, WebFluxAutoConfiguration.class))
			.withPropertyValues(RULES)
			.withBean(ReportBuilder.class, Reports::new)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean("rateLimitFilter")
					.doesNotHaveBean("rateLimitAuthenticatedFilter");
				ReportBuilder reports = context.getBean(ReportBuilder.class);
				reports.build("globex");
				assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(() -> reports.build("globex"));
				assertThat(output).contains("scalability.rate-limit.rules apply to servlet applications only");
			});
	}

	public interface ReportBuilder {

		String build(String customer);

	}

	/**
	 * Implements an interface, so that it is proxied without generating a class (the class
	 * loader of the first test hides packages from the generated one).
	 */
	static class Reports implements ReportBuilder {

		@Override
		@RateLimited(limit = 1, window = "1h", key = "#customer")
		public String build(String customer) {
			return "report for " + customer;
		}

	}

}
