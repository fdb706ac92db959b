package dev.scalability.delivery;

import java.lang.reflect.Method;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HandlerInvokerTests {

	private final PayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());

	private final Handlers handlers = new Handlers();

	@Test
	void thePayloadIsReadAsTheDeclaredTypeAndTheResultKept() throws Exception {
		HandlerInvoker invoker = HandlerInvoker.of(this.handlers, method("total", Order.class), this.codec);
		HandlingOutcome outcome = invoker.invoke(this.codec.write(new Order("o-1", 3, 4)));
		assertThat(outcome.succeeded()).isTrue();
		assertThat(outcome.result()).isEqualTo(12);
		assertThat(invoker.returnsValue()).isTrue();
	}

	@Test
	void genericParametersAreReadWithTheirTypeArguments() throws Exception {
		HandlerInvoker invoker = HandlerInvoker.of(this.handlers, method("count", List.class), this.codec);
		HandlingOutcome outcome = invoker.invoke("[{\"id\":\"a\",\"quantity\":1,\"price\":2}]");
		assertThat(outcome.result()).isEqualTo("a");
	}

	@Test
	void whatTheMethodThrowsIsAFailureThatMayBeRetried() throws Exception {
		HandlerInvoker invoker = HandlerInvoker.of(this.handlers, method("fail", Order.class), this.codec);
		HandlingOutcome outcome = invoker.invoke(this.codec.write(new Order("o-1", 1, 1)));
		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.retryable()).isTrue();
		assertThat(outcome.failure()).isInstanceOf(IllegalStateException.class).hasMessage("declined o-1");
		assertThat(invoker.returnsValue()).isFalse();
	}

	@Test
	void aPayloadThatCannotBeReadIsAFailureNoRetryMends() throws Exception {
		HandlerInvoker invoker = HandlerInvoker.of(this.handlers, method("total", Order.class), this.codec);
		HandlingOutcome outcome = invoker.invoke("\"not an order\"");
		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.retryable()).isFalse();
		assertThat(outcome.failure()).hasMessageContaining("Cannot read the payload as");
	}

	@Test
	void aMethodWithoutExactlyOneParameterCannotBeAHandler() throws Exception {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HandlerInvoker.of(this.handlers, method("none"), this.codec))
			.withMessageContaining("exactly one parameter")
			.withMessageContaining("none takes 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HandlerInvoker.of(this.handlers, method("two", Order.class, String.class), this.codec))
			.withMessageContaining("two takes 2");
	}

	@Test
	void aDeadLetterKeepsEveryMessageButOnlyTheFirstFramesOfTheStack() {
		IllegalStateException failure = new IllegalStateException("outer failure",
				new IllegalArgumentException("inner cause"));
		String error = FailureDescription.of(deep(failure, 40));
		assertThat(error).startsWith("java.lang.IllegalStateException: outer failure\n\tat ")
			.contains("Caused by: java.lang.IllegalArgumentException: inner cause")
			.contains(" more");
		assertThat(error.lines().filter((line) -> line.startsWith("\tat "))).hasSizeLessThanOrEqualTo(
				FailureDescription.FRAMES + FailureDescription.CAUSE_FRAMES);
	}

	private static Throwable deep(Throwable failure, int frames) {
		StackTraceElement[] stack = new StackTraceElement[frames];
		for (int i = 0; i < frames; i++) {
			stack[i] = new StackTraceElement("dev.example.Service", "call" + i, "Service.java", i + 1);
		}
		failure.setStackTrace(stack);
		failure.getCause().setStackTrace(stack);
		return failure;
	}

	private static Method method(String name, Class<?>... parameters) throws NoSuchMethodException {
		return Handlers.class.getDeclaredMethod(name, parameters);
	}

	record Order(String id, int quantity, int price) {

	}

	static class Handlers {

		int total(Order order) {
			return order.quantity() * order.price();
		}

		String count(List<Order> orders) {
			return orders.get(0).id();
		}

		void fail(Order order) {
			throw new IllegalStateException("declined " + order.id());
		}

		void none() {
		}

		void two(Order order, String extra) {
		}

	}

}
