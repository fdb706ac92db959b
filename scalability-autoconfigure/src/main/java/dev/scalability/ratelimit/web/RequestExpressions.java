package dev.scalability.ratelimit.web;

import dev.scalability.ratelimit.RateLimitKey;
import dev.scalability.web.ClientIpResolver;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.MethodReference;
import org.springframework.expression.spel.ast.PropertyOrFieldReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

/**
 * SpEL on a request, for {@code key} and {@code skip}: parsed once when the rules are
 * built, evaluated per request in a read-only context whose only root is a
 * {@link RequestView} named {@code request}: no types, no constructors, no beans, no
 * servlet objects.
 */
public final class RequestExpressions {

	private static final ExpressionParser PARSER = new SpelExpressionParser();

	/**
	 * Shared by every evaluation: it holds no request, and its accessors cache what they
	 * resolve.
	 */
	private static final EvaluationContext CONTEXT = SimpleEvaluationContext.forReadOnlyDataBinding()
		.withInstanceMethods()
		.build();

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
		return expression.getValue(CONTEXT, new Root(new RequestView(request)));
	}

	static boolean test(Expression expression, HttpServletRequest request) {
		return Boolean.TRUE.equals(expression.getValue(CONTEXT, new Root(new RequestView(request)), Boolean.class));
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
			return key.isEmpty() ? RateLimitKey.web("ip", clientIp.resolve(request)) : RateLimitKey.web("expr", key);
		};
	}

	/**
	 * Whether an expression reads the authenticated user ({@code request.getUserName()} or
	 * {@code request.userName}), so that it must run after authentication.
	 * @param expression a parsed expression
	 * @return whether it reads the user
	 */
	public static boolean readsUser(Expression expression) {
		return (expression instanceof SpelExpression spel) ? readsUser(spel.getAST()) : true;
	}

	private static boolean readsUser(SpelNode node) {
		if ((node instanceof MethodReference method && method.getName().equals("getUserName"))
				|| (node instanceof PropertyOrFieldReference property && property.getName().equals("userName"))) {
			return true;
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			if (readsUser(node.getChild(i))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * What an expression sees.
	 */
	public static final class Root {

		private final RequestView request;

		Root(RequestView request) {
			this.request = request;
		}

		public RequestView getRequest() {
			return this.request;
		}

	}

}
