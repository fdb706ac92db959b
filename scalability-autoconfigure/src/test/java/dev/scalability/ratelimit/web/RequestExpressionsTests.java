package dev.scalability.ratelimit.web;

import org.junit.jupiter.api.Test;

import org.springframework.expression.EvaluationException;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rule expressions read the request and reach nothing else.
 */
class RequestExpressionsTests {

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/ai/complete");

	@Test
	void expressionsReadHeadersParametersAndTheMethod() {
		this.request.addHeader("X-Api-Key", "k1");
		this.request.addParameter("tenant", "acme");
		assertThat(RequestExpressions.evaluate(RequestExpressions.parse("request.getHeader('X-Api-Key')"),
				this.request)).isEqualTo("k1");
		assertThat(RequestExpressions.evaluate(RequestExpressions.parse("request.getParameter('tenant')"),
				this.request)).isEqualTo("acme");
		assertThat(RequestExpressions.test(RequestExpressions.parse("request.method == 'POST'"), this.request))
			.isTrue();
	}

	@Test
	void typesConstructorsAndTheServletContextAreOutOfReach() {
		for (String expression : new String[] { "T(java.lang.Runtime).getRuntime()", "new java.io.File('/')",
				"request.getServletContext()", "request.request", "request.getSession()" }) {
			assertThatExceptionOfType(EvaluationException.class).as(expression)
				.isThrownBy(() -> RequestExpressions.evaluate(RequestExpressions.parse(expression), this.request));
		}
		assertThat(this.request.getSession(false)).isNull();
	}

}
