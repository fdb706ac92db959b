package dev.scalability.requestqueue.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.scalability.jvm.HeapUsage;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.server.ResponseStatusException;

/**
 * An application behind the request queue, with handlers the tests hold and release one by
 * one, so that who runs when is decided by the test, not by timing.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(QueueTestApplication.Handlers.class)
class QueueTestApplication {

	/**
	 * Spring Security in front, letting everyone through: a request the queue resumes
	 * passes its chain a second time.
	 */
	@Bean
	@ConditionalOnProperty(name = "test.security", havingValue = "open", matchIfMissing = true)
	SecurityFilterChain openChain(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	/**
	 * HTTP Basic on {@code /api/**}, for two users.
	 */
	@Bean
	@ConditionalOnProperty(name = "test.security", havingValue = "basic")
	SecurityFilterChain basicChain(HttpSecurity http) {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/api/**")
				.authenticated()
				.anyRequest()
				.permitAll())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@Bean
	@ConditionalOnProperty(name = "test.security", havingValue = "basic")
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}secret").roles("USER").build(),
				User.withUsername("bob").password("{noop}secret").roles("USER").build());
	}

	@Bean
	Gates gates() {
		return new Gates();
	}

	@Bean
	Heap heap() {
		return new Heap();
	}

	/**
	 * Named gates a handler waits at until the test opens them, and the order in which
	 * handlers started.
	 */
	static final class Gates {

		private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

		private final List<String> started = new CopyOnWriteArrayList<>();

		private volatile boolean allOpen;

		void pass(String name) throws InterruptedException {
			this.started.add(name);
			if (!latch(name).await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("gate " + name + " was never opened");
			}
		}

		void open(String name) {
			latch(name).countDown();
		}

		/**
		 * Opens every gate, including those not reached yet, until {@link #reset()}.
		 */
		void openAll() {
			this.allOpen = true;
			this.gates.values().forEach(CountDownLatch::countDown);
		}

		List<String> started() {
			return this.started;
		}

		void reset() {
			openAll();
			this.gates.clear();
			this.started.clear();
			this.allOpen = false;
		}

		private CountDownLatch latch(String name) {
			return this.gates.computeIfAbsent(name, (ignored) -> new CountDownLatch(this.allOpen ? 0 : 1));
		}

	}

	/**
	 * The heap reading the queue sees, set by the tests.
	 */
	static final class Heap implements HeapUsage {

		private volatile double used = 0.1;

		@Override
		public double usedAfterGc() {
			return this.used;
		}

		void set(double used) {
			this.used = used;
		}

	}

	@RestController
	static class Handlers {

		private final Gates gates;

		Handlers(Gates gates) {
			this.gates = gates;
		}

		@GetMapping({ "/block", "/high/block", "/low/block", "/impatient/block", "/api/block", "/api/limited/block" })
		String block(@RequestParam String name) throws InterruptedException {
			this.gates.pass(name);
			return name;
		}

		@GetMapping({ "/sleep", "/high/sleep", "/slow/sleep", "/bypassed/sleep", "/api/slow/sleep" })
		String sleep(@RequestParam long ms) throws InterruptedException {
			Thread.sleep(ms);
			return "slept " + ms;
		}

		@PutMapping("/form")
		String form(@RequestParam String name) {
			return name;
		}

		@GetMapping("/fail")
		String fail() {
			throw new ResponseStatusException(HttpStatus.INTERNAL_SERVER_ERROR, "failed on purpose");
		}

		@GetMapping("/async")
		Callable<String> async(@RequestParam String name) {
			return () -> {
				this.gates.pass(name);
				return name;
			};
		}

		/**
		 * An asynchronous answer that never comes.
		 */
		@GetMapping("/slow-async")
		DeferredResult<String> slowAsync() {
			return new DeferredResult<>();
		}

	}

	/**
	 * How long to wait for something that happens at once.
	 */
	static final Duration SOON = Duration.ofSeconds(10);

}
