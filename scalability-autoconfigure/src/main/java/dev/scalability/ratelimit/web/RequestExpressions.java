package dev.scalability.ratelimit.web;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

/**
 * SpEL on a request, for {@code key} and {@code skip}: parsed once when the rules are
 * built, evaluated per request in a read-only context that reaches the request's
 * properties and methods (as {@code request}) and nothing else: no types, no constructors,
 * no beans.
 */
public final class RequestExpressions {

	private static final ExpressionParser PARSER = new SpelExpressionParser();

	private RequestExpressions() {
	}

	/**
	 * Parses an expression.
	 * @param source the expression's text
	 * @return the parsed expression
	 * @throws ParseException when it is not valid SpEL
	 */
	public static Expression parse(String source) {
		return PARSER.parseExpression(source);
	}

	static Object evaluate(Expression expression, HttpServletRequest request) {
		return expression.getValue(context(request));
	}

	static boolean test(Expression expression, HttpServletRequest request) {
		return Boolean.TRUE.equals(expression.getValue(context(request), Boolean.class));
	}

	/**
	 * A key from an expression; requests for which it gives nothing count against their IP
	 * address.
	 * @param expression the parsed expression
	 * @param clientIp finds the address
	 * @return the resolver
	 */
	public static RequestKeyResolver keyResolver(Expression expression, ClientIpResolver clientIp) {
		return (request) -> {
			Object value = evaluate(expression, request);
			String key = (value != null) ? value.toString() : "";
			return key.isEmpty() ? "ip:" + clientIp.resolve(request) : "expr:" + key;
		};
	}

	private static EvaluationContext context(HttpServletRequest request) {
		return SimpleEvaluationContext.forReadOnlyDataBinding()
			.withInstanceMethods()
			.withRootObject(new Root(request))
			.build();
	}

	/**
	 * What an expression sees.
	 *
	 * @param request the current request
	 */
	public record Root(HttpServletRequest request) {

		public HttpServletRequest getRequest() {
			return this.request;
		}

	}

}
