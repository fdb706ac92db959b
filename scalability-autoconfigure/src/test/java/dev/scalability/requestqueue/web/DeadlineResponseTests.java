package dev.scalability.requestqueue.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The response a deadline may answer for: the handler and the deadline never both write
 * it.
 */
class DeadlineResponseTests {

	@Test
	void theRequestsThreadWaitsForTheDeadlinesAnswerBeforeHandingTheResponseBack() throws Exception {
		CountDownLatch writing = new CountDownLatch(1);
		CountDownLatch written = new CountDownLatch(1);
		DeadlineResponse response = new DeadlineResponse(new MockHttpServletResponse(), (raw) -> {
			writing.countDown();
			try {
				written.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			raw.setStatus(503);
		});
		Thread deadline = new Thread(response::expire);
		deadline.start();
		assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
		CountDownLatch closed = new CountDownLatch(1);
		Thread request = new Thread(() -> {
			response.close();
			closed.countDown();
		});
		request.start();
		assertThat(closed.await(200, TimeUnit.MILLISECONDS)).as("close() returned while the answer was written")
			.isFalse();
		written.countDown();
		assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
		deadline.join();
	}

	@Test
	void afterTheDeadlineAnsweredTheHandlersWritesFailAsForAClientThatLeft() throws IOException {
		MockHttpServletResponse raw = new MockHttpServletResponse();
		DeadlineResponse response = new DeadlineResponse(raw, (container) -> container.setStatus(503));
		response.setHeader("Cache-Control", "max-age=3600");
		response.expire();
		response.setStatus(200);
		response.setHeader("X-Late", "yes");
		assertThatIOException().isThrownBy(() -> response.getOutputStream().write(1));
		PrintWriter writer = response.getWriter();
		writer.write("late");
		writer.flush();
		assertThat(writer.checkError()).isTrue();
		assertThat(raw.getStatus()).isEqualTo(503);
		assertThat(raw.getHeader("X-Late")).isNull();
	}

	@Test
	void onceTheHandlerStartedItsBodyTheDeadlineChangesNothing() throws IOException {
		MockHttpServletResponse raw = new MockHttpServletResponse();
		DeadlineResponse response = new DeadlineResponse(raw, (container) -> container.setStatus(503));
		response.setStatus(200);
		response.getOutputStream().write('x');
		response.expire();
		assertThat(response.expired()).isFalse();
		assertThat(raw.getStatus()).isEqualTo(200);
		assertThat(raw.getContentAsString()).isEqualTo("x");
	}

}
