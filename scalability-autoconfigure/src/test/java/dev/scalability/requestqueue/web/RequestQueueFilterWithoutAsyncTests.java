package dev.scalability.requestqueue.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.scalability.requestqueue.ConcurrencyLimit;
import dev.scalability.requestqueue.Permit;
import dev.scalability.requestqueue.Priority;
import dev.scalability.requestqueue.Refusal;
import dev.scalability.requestqueue.RequestQueue;
import dev.scalability.requestqueue.RequestQueueObserver;
import dev.scalability.requestqueue.RequestQueueSettings;
import dev.scalability.requestqueue.ServerErrorBreaker;
import dev.scalability.requestqueue.Waiter;
import dev.scalability.web.PathIndex;
import dev.scalability.web.ProblemResponseWriter;
import jakarta.servlet.AsyncContext;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When a filter before the queue cannot go asynchronous, a request that would wait is
 * refused rather than parked on its thread, also when its turn comes at that very moment
 * on another thread: no slot is lost, and the client gets a 503, never a 500.
 */
class RequestQueueFilterWithoutAsyncTests {

	@Test
	void aTurnThatComesWhileTheRequestCannotBeSuspendedIsGivenBack() throws Exception {
		CountDownLatch granting = new CountDownLatch(1);
		CountDownLatch letGo = new CountDownLatch(1);
		RequestQueue queue = new RequestQueue(RequestQueueSettings.defaults(), ConcurrencyLimit.fixed(1),
				ServerErrorBreaker.NONE, () -> 0, new RequestQueueObserver() {

					@Override
					public void admitted(Priority priority, long waitedNanos) {
						if (waitedNanos > 0 || Thread.currentThread().getName().equals("releaser")) {
							// The slot is granted, not yet told: hold the granting thread here.
							granting.countDown();
							await(letGo);
						}
					}

				}, System::nanoTime);
		Permit holder = (Permit) queue.admit(Priority.MEDIUM, null, ignored());
		RequestQueueFilter filter = new RequestQueueFilter(queue, new PathIndex<>(List.of()),
				new PathIndex<>(List.of()), Priority.MEDIUM,
				new RequestQueueProblems(new ProblemResponseWriter(JsonMapper.builder().build())), Runnable::run);
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/work") {

			@Override
			public AsyncContext startAsync(jakarta.servlet.ServletRequest request,
					jakarta.servlet.ServletResponse response) {
				// The holder ends on another thread right now, and its slot goes to this request.
				Thread releaser = new Thread(() -> holder.release(200), "releaser");
				releaser.start();
				await(granting);
				throw new IllegalStateException("a filter before the queue is not async-supported");
			}

		};
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		letGo.countDown();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentAsString()).contains("\"reason\":\"queue-full\"");
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> queue.running() == 0);
	}

	private static Waiter ignored() {
		return new Waiter() {

			@Override
			public void admitted(Permit permit) {
			}

			@Override
			public void refused(Refusal refusal) {
			}

		};
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("timed out");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
