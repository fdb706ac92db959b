package dev.scalability.ratelimit.web;

import java.security.Principal;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.head;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The servlet filter on the memory backend: what a client sees, whom it counts, and when.
 */
class RateLimitFilterTests {

	private static final String AI_RULE = "scalability.rate-limit.rules[0].";

	private final WebApplicationContextRunner contextRunner = RateLimitWebTestSupport.contextRunner()
		.withPropertyValues(AI_RULE + "name=ai", AI_RULE + "paths=/api/ai/**", AI_RULE + "methods=POST",
				AI_RULE + "limit=2", AI_RULE + "window=1m");

	private static MockMvc mvc(org.springframework.web.context.WebApplicationContext context) {
		return RateLimitWebTestSupport.mockMvc(context);
	}

	@Test
	void aRequestOverTheLimitGets429WithAQuotaExceededProblem() {
		this.contextRunner.run((context) -> {
			MockMvc mvc = mvc(context);
			for (int i = 0; i < 2; i++) {
				mvc.perform(post("/api/ai/complete")).andExpect(status().isOk());
			}
			MvcResult refused = mvc.perform(post("/api/ai/complete"))
				.andExpect(status().isTooManyRequests())
				.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.type").value("https://iana.org/assignments/http-problem-types#quota-exceeded"))
				.andExpect(jsonPath("$.title").value("Request cannot be satisfied as assigned quota has been exceeded"))
				.andExpect(jsonPath("$.status").value(429))
				.andExpect(jsonPath("$.instance").value("/api/ai/complete"))
				.andExpect(jsonPath("$.violated-policies[0]").value("ai"))
				.andExpect(header().string("RateLimit-Policy", "\"ai\";q=2;w=60"))
				.andReturn();
			// One permit comes back every 30 s: the request passes then, and the quota grows then.
			assertThat(refused.getResponse().getHeader("Retry-After")).isEqualTo("30");
			assertThat(refused.getResponse().getHeader("RateLimit")).isEqualTo("\"ai\";r=0;t=30");
		});
	}

	@Test
	void allowedRequestsCarryTheRateLimitHeaders() {
		this.contextRunner.run((context) -> {
			MvcResult allowed = mvc(context).perform(post("/api/ai/complete")).andExpect(status().isOk()).andReturn();
			assertThat(allowed.getResponse().getHeader("RateLimit-Policy")).isEqualTo("\"ai\";q=2;w=60");
			assertThat(allowed.getResponse().getHeader("RateLimit")).matches("\"ai\";r=1;t=\\d+");
			assertThat(allowed.getResponse().getHeader("Retry-After")).isNull();
		});
	}

	@Test
	void retryAfterIsRoundedUpToWholeSeconds() {
		this.contextRunner
			.withPropertyValues(AI_RULE + "algorithm=token-bucket", AI_RULE + "limit=2", AI_RULE + "window=3s")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				mvc.perform(post("/api/ai/complete"));
				mvc.perform(post("/api/ai/complete"));
				// The next token comes 1.5 s after the last one: a client must wait 2 s, not 1.
				mvc.perform(post("/api/ai/complete"))
					.andExpect(status().isTooManyRequests())
					.andExpect(header().string("Retry-After", "2"));
			});
	}

	@Test
	void legacyHeadersReplaceTheIetfOnes() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.headers=legacy").run((context) -> {
			MvcResult allowed = mvc(context).perform(post("/api/ai/complete")).andReturn();
			assertThat(allowed.getResponse().getHeader("X-RateLimit-Limit")).isEqualTo("2");
			assertThat(allowed.getResponse().getHeader("X-RateLimit-Remaining")).isEqualTo("1");
			assertThat(allowed.getResponse().getHeader("X-RateLimit-Reset")).matches("\\d+");
			assertThat(allowed.getResponse().getHeader("RateLimit")).isNull();
		});
	}

	@Test
	void bothHeaderStylesCanBeSentAndNoneAtAll() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.headers=both").run((context) -> {
			MvcResult allowed = mvc(context).perform(post("/api/ai/complete")).andReturn();
			assertThat(allowed.getResponse().getHeader("X-RateLimit-Remaining")).isEqualTo("1");
			assertThat(allowed.getResponse().getHeader("RateLimit")).startsWith("\"ai\";r=1");
		});
		this.contextRunner.withPropertyValues("scalability.rate-limit.headers=none").run((context) -> {
			MockMvc mvc = mvc(context);
			MvcResult allowed = mvc.perform(post("/api/ai/complete")).andReturn();
			assertThat(allowed.getResponse().getHeaderNames()).doesNotContain("RateLimit", "RateLimit-Policy",
					"X-RateLimit-Remaining");
			mvc.perform(post("/api/ai/complete"));
			mvc.perform(post("/api/ai/complete"))
				.andExpect(status().isTooManyRequests())
				.andExpect(header().exists("Retry-After"));
		});
	}

	@Test
	void pathsAndMethodsOutsideTheRuleAreNotLimited() {
		this.contextRunner.run((context) -> {
			MockMvc mvc = mvc(context);
			for (int i = 0; i < 5; i++) {
				mvc.perform(get("/api/ai/models"))
					.andExpect(status().isOk())
					.andExpect(header().doesNotExist("RateLimit"));
				mvc.perform(get("/api/hello")).andExpect(status().isOk());
			}
		});
	}

	@Test
	void aSpoofedForwardedForFromAnUntrustedClientChangesNothing() {
		this.contextRunner.run((context) -> {
			MockMvc mvc = mvc(context);
			for (int i = 0; i < 2; i++) {
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("203.0.113.7"))
					.header("X-Forwarded-For", "198.51.100." + i)).andExpect(status().isOk());
			}
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("203.0.113.7"))
				.header("X-Forwarded-For", "198.51.100.99")
				.header("Forwarded", "for=198.51.100.98")).andExpect(status().isTooManyRequests());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("203.0.113.8")))
				.andExpect(status().isOk());
		});
	}

	@Test
	void forwardedForFromATrustedProxyNamesTheRightMostUntrustedHop() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.client-ip.trusted-proxies=10.0.0.0/8")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("10.0.0.5"))
					.header("X-Forwarded-For", "198.51.100.1, 10.1.2.3")).andExpect(status().isOk());
				// Whatever the client prepends, the proxy-appended hop decides.
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("10.0.0.5"))
					.header("X-Forwarded-For", "192.0.2.55, 198.51.100.1")).andExpect(status().isOk());
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("10.0.0.6"))
					.header("X-Forwarded-For", "192.0.2.56, 198.51.100.1, 10.9.9.9"))
					.andExpect(status().isTooManyRequests());
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("10.0.0.5"))
					.header("X-Forwarded-For", "198.51.100.2")).andExpect(status().isOk());
			});
	}

	@Test
	void forwardedHeaderFromATrustedProxyIsReadToo() {
		this.contextRunner
			.withPropertyValues("scalability.rate-limit.client-ip.trusted-proxies=10.0.0.0/8,fd00::/8",
					"scalability.rate-limit.client-ip.header=forwarded")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				for (int i = 0; i < 2; i++) {
					mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("fd00::1"))
						.header("Forwarded", "for=\"[2001:db8::7]:4711\";proto=https, for=10.2.2.2"))
						.andExpect(status().isOk());
				}
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("10.0.0.1"))
					.header("Forwarded", "for=\"[2001:db8::7]\"")).andExpect(status().isTooManyRequests());
			});
	}

	@Test
	void theHeaderTheProxiesDoNotWriteIsIgnoredEvenFromATrustedProxy() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.client-ip.trusted-proxies=10.0.0.0/8")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				// The proxy appends the client to X-Forwarded-For and passes the client's own
				// Forwarded header through: only X-Forwarded-For may count.
				for (int i = 0; i < 2; i++) {
					mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("10.0.0.5"))
						.header("X-Forwarded-For", "198.51.100.1")
						.header("Forwarded", "for=192.0.2." + i)).andExpect(status().isOk());
				}
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("10.0.0.5"))
					.header("X-Forwarded-For", "198.51.100.1")
					.header("Forwarded", "for=192.0.2.9")).andExpect(status().isTooManyRequests());
			});
	}

	@Test
	void everySpellingOfAnAddressAndEveryAddressOfAnIpv6NetworkIsOneClient() {
		this.contextRunner.run((context) -> {
			MockMvc mvc = mvc(context);
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("192.0.2.9")))
				.andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("::ffff:192.0.2.9")))
				.andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("0:0:0:0:0:ffff:c000:209")))
				.andExpect(status().isTooManyRequests());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("2001:db8:7:7::1")))
				.andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("2001:db8:7:7:ffff::2")))
				.andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("2001:db8:7:7:1234:5678:9abc:def0")))
				.andExpect(status().isTooManyRequests());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("2001:db8:7:8::1")))
				.andExpect(status().isOk());
		});
	}

	@Test
	void theIpv6PrefixThatNamesAClientCanBeChanged() {
		this.contextRunner.withPropertyValues("scalability.rate-limit.client-ip.ipv6-prefix=128").run((context) -> {
			MockMvc mvc = mvc(context);
			for (int host = 1; host <= 4; host++) {
				mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("2001:db8:7:7::" + host)))
					.andExpect(status().isOk());
			}
		});
	}

	@Test
	void aLimitOnGetCoversHeadToo() {
		String rule = "scalability.rate-limit.rules[1].";
		this.contextRunner
			.withPropertyValues(rule + "name=hello", rule + "paths=/api/hello", rule + "methods=GET",
					rule + "limit=1", rule + "window=1h")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				mvc.perform(get("/api/hello")).andExpect(status().isOk());
				mvc.perform(head("/api/hello")).andExpect(status().isTooManyRequests());
			});
	}

	@Test
	void userKeysCountPerAuthenticatedUserAndAnonymousRequestsPerAddress() {
		this.contextRunner.withPropertyValues(AI_RULE + "key=user").run((context) -> {
			MockMvc mvc = mvc(context);
			Principal alice = () -> "alice";
			Principal bob = () -> "bob";
			mvc.perform(post("/api/ai/complete").principal(alice).with(RateLimitWebTestSupport.from("192.0.2.1")));
			mvc.perform(post("/api/ai/complete").principal(alice).with(RateLimitWebTestSupport.from("192.0.2.2")));
			mvc.perform(post("/api/ai/complete").principal(alice).with(RateLimitWebTestSupport.from("192.0.2.3")))
				.andExpect(status().isTooManyRequests());
			mvc.perform(post("/api/ai/complete").principal(bob).with(RateLimitWebTestSupport.from("192.0.2.1")))
				.andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("192.0.2.1")))
				.andExpect(status().isOk());
		});
	}

	@Test
	void headerKeysCountPerHeaderValueAndFallBackToTheAddress() {
		this.contextRunner.withPropertyValues(AI_RULE + "key=header:X-Api-Key").run((context) -> {
			MockMvc mvc = mvc(context);
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", "k1").with(RateLimitWebTestSupport.from("192.0.2.1")));
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", "k1").with(RateLimitWebTestSupport.from("192.0.2.2")));
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", "k1").with(RateLimitWebTestSupport.from("192.0.2.3")))
				.andExpect(status().isTooManyRequests());
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", "k2")).andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").with(RateLimitWebTestSupport.from("192.0.2.1")))
				.andExpect(status().isOk());
		});
	}

	@Test
	void expressionKeysAreEvaluatedOnTheRequest() {
		this.contextRunner.withPropertyValues(AI_RULE + "key=request.getParameter('tenant')").run((context) -> {
			MockMvc mvc = mvc(context);
			mvc.perform(post("/api/ai/complete?tenant=acme").with(RateLimitWebTestSupport.from("192.0.2.1")));
			mvc.perform(post("/api/ai/complete?tenant=acme").with(RateLimitWebTestSupport.from("192.0.2.2")));
			mvc.perform(post("/api/ai/complete?tenant=acme").with(RateLimitWebTestSupport.from("192.0.2.3")))
				.andExpect(status().isTooManyRequests());
			mvc.perform(post("/api/ai/complete?tenant=other")).andExpect(status().isOk());
		});
	}

	@Test
	void aHugeKeyIsStoredAsItsDigest() {
		this.contextRunner.withPropertyValues(AI_RULE + "key=header:X-Api-Key").run((context) -> {
			MockMvc mvc = mvc(context);
			String huge = "x".repeat(100_000);
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", huge)).andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", huge)).andExpect(status().isOk());
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", huge)).andExpect(status().isTooManyRequests());
			mvc.perform(post("/api/ai/complete").header("X-Api-Key", huge + "y")).andExpect(status().isOk());
		});
	}

	@Test
	void skippedRequestsAreNotLimited() {
		this.contextRunner.withPropertyValues(AI_RULE + "skip=request.getHeader('X-Internal') != null")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				for (int i = 0; i < 5; i++) {
					mvc.perform(post("/api/ai/complete").header("X-Internal", "yes"))
						.andExpect(status().isOk())
						.andExpect(header().doesNotExist("RateLimit"));
				}
				mvc.perform(post("/api/ai/complete")).andExpect(status().isOk());
			});
	}

	@Test
	void onlyResponsesWithACountedStatusConsume() {
		String login = "scalability.rate-limit.rules[0].";
		RateLimitWebTestSupport.contextRunner()
			.withPropertyValues(login + "name=login", login + "paths=/api/auth/login", login + "limit=2",
					login + "window=1h", login + "count-status=401,403")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				for (int i = 0; i < 5; i++) {
					mvc.perform(post("/api/auth/login?ok=true")).andExpect(status().isOk());
				}
				mvc.perform(post("/api/auth/login?ok=false")).andExpect(status().isUnauthorized());
				mvc.perform(post("/api/auth/login?ok=false")).andExpect(status().isUnauthorized());
				mvc.perform(post("/api/auth/login?ok=true")).andExpect(status().isTooManyRequests());
			});
	}

	@Test
	void asynchronousRequestsAreSettledWhenTheyComplete() {
		String login = "scalability.rate-limit.rules[0].";
		RateLimitWebTestSupport.contextRunner()
			.withPropertyValues(login + "name=login", login + "paths=/api/auth/**", login + "limit=2",
					login + "window=1h", login + "count-status=401")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				for (int i = 0; i < 4; i++) {
					MvcResult started = mvc.perform(post("/api/auth/async-login?ok=true")).andReturn();
					mvc.perform(asyncDispatch(started)).andExpect(status().isOk());
				}
				for (int i = 0; i < 2; i++) {
					MvcResult started = mvc.perform(post("/api/auth/async-login?ok=false")).andReturn();
					mvc.perform(asyncDispatch(started)).andExpect(status().isUnauthorized());
				}
				mvc.perform(post("/api/auth/async-login?ok=true")).andExpect(status().isTooManyRequests());
			});
	}

	@Test
	void everyRuleThatCoversARequestApplies() {
		String global = "scalability.rate-limit.rules[1].";
		this.contextRunner
			.withPropertyValues(global + "name=global", global + "paths=/**", global + "limit=100",
					global + "window=1s")
			.run((context) -> {
				MvcResult result = mvc(context).perform(post("/api/ai/complete")).andReturn();
				assertThat(result.getResponse().getHeader("RateLimit-Policy"))
					.isEqualTo("\"ai\";q=2;w=60, \"global\";q=100;w=1");
				assertThat(result.getResponse().getHeader("RateLimit")).matches("\"ai\";r=1;t=\\d+, \"global\";r=99;t=1");
			});
	}

	@Test
	void severalLimitsOfARuleAreNamedByTheirWindow() {
		String api = "scalability.rate-limit.rules[0].";
		RateLimitWebTestSupport.contextRunner()
			.withPropertyValues(api + "name=api", api + "paths=/api/**", api + "limits[0].limit=2",
					api + "limits[0].window=1s", api + "limits[1].limit=1000", api + "limits[1].window=1h")
			.run((context) -> {
				MockMvc mvc = mvc(context);
				MvcResult allowed = mvc.perform(get("/api/hello")).andReturn();
				assertThat(allowed.getResponse().getHeader("RateLimit-Policy"))
					.isEqualTo("\"api-1s\";q=2;w=1, \"api-1h\";q=1000;w=3600");
				assertThat(allowed.getResponse().getHeader("RateLimit")).startsWith("\"api-1s\";r=1;");
				mvc.perform(get("/api/hello"));
				mvc.perform(get("/api/hello"))
					.andExpect(status().isTooManyRequests())
					.andExpect(jsonPath("$.violated-policies[0]").value("api-1s"));
			});
	}

}
