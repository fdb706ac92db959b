package dev.scalability.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.scalability.delivery.JacksonPayloadCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests waiting for their answers: a request answered leaves no timer behind, and its
 * caller is called back on the completion executor, not on the thread that brought the
 * answer.
 */
class PendingRepliesTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

	private final ExecutorService completions = Executors
		.newSingleThreadExecutor((task) -> new Thread(task, "test-completions"));

	private final PendingReplies replies;

	PendingRepliesTests() {
		this.timer.setRemoveOnCancelPolicy(true);
		this.replies = new PendingReplies(new JacksonPayloadCodec(JsonMapper.builder().build()), this.timer,
				this.completions);
	}

	@AfterEach
	void stop() {
		this.timer.shutdownNow();
		this.completions.shutdownNow();
	}

	@Test
	void answeredRequestsLeaveNoTimerBehind() throws Exception {
		List<CompletableFuture<String>> answers = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			String correlationId = "request-" + i;
			answers.add(this.replies.expect(correlationId, String.class, Duration.ofMinutes(10), "quotes"));
			assertThat(this.replies.complete(correlationId, "\"quote " + i + "\"")).isTrue();
		}
		CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
			.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(answers.get(9_999)).isCompletedWithValue("quote 9999");
		// Each timer is cancelled as its request completes, just after the callers hear of it.
		await().atMost(WAIT).until(() -> this.timer.getQueue().isEmpty());
		assertThat(this.replies.size()).isZero();
	}

	@Test
	void anAnswerCompletesItsRequestOnTheCompletionExecutor() {
		CompletableFuture<String> calledBackOn = this.replies
			.expect("request-1", String.class, Duration.ofMinutes(10), "quotes")
			.thenApply((answer) -> Thread.currentThread().getName());
		this.replies.complete("request-1", "\"quote\"");
		assertThat(calledBackOn).succeedsWithin(WAIT).isEqualTo("test-completions");
	}

	@Test
	void aRequestWithoutAnswerTimesOut() {
		CompletableFuture<String> answer = this.replies.expect("request-1", String.class, Duration.ofMillis(20),
				"quotes");
		assertThat(answer).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TimeoutException.class)
			.withMessageContaining("quotes");
		assertThat(this.replies.size()).isZero();
	}

}
