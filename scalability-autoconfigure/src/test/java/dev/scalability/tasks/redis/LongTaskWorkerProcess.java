package dev.scalability.tasks.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import dev.scalability.delivery.HandlingOutcome;
import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.redis.GuardedRedis;
import dev.scalability.redis.RedisConnector;
import dev.scalability.redis.RedisKeys;
import dev.scalability.redis.TestGuards;
import dev.scalability.tasks.TaskRegistration;
import dev.scalability.test.redis.LettuceFactories;
import dev.scalability.test.redis.RedisEndpoint;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The main class of a separate JVM that runs a Redis task queue, for tests that kill it:
 * its handler pushes the id of each task it starts on a Redis list, then runs until the
 * process dies. The process exits by itself once its standard input closes, so that it
 * never outlives the JVM that started it.
 *
 * <p>Arguments: the port of Redis on the loopback address, the key prefix, the worker's
 * name, the handler threads of the queue, and the key of the list of starts.
 */
public final class LongTaskWorkerProcess {

	private LongTaskWorkerProcess() {
	}

	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		String prefix = args[1];
		String worker = args[2];
		int threads = Integer.parseInt(args[3]);
		byte[] starts = args[4].getBytes(StandardCharsets.UTF_8);
		LettuceConnectionFactory connectionFactory = LettuceFactories.standalone(new RedisEndpoint("127.0.0.1", port));
		RedisConnector connector = TestGuards.connector(connectionFactory);
		// Connected first, as an application is once it started; the records of starts wait longer.
		GuardedRedis patient = new GuardedRedis(connector, Duration.ofSeconds(10), null);
		patient.call((commands) -> commands.ping());
		RedisTaskQueue queue = new RedisTaskQueue(RedisTaskQueueKilledProcessTests.settings(threads),
				RedisTaskQueueSettings.of(worker, RedisTaskQueueKilledProcessTests.LEASE),
				new GuardedRedis(connector, RedisTaskQueueKilledProcessTests.TIMEOUT, null), new RedisKeys(prefix),
				new JacksonPayloadCodec(JsonMapper.builder().build()));
		queue.register(new TaskRegistration(RedisTaskQueueKilledProcessTests.TYPE, "default", (task) -> {
			patient.call((commands) -> commands.rpush(starts, task.id().getBytes(StandardCharsets.UTF_8)));
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return HandlingOutcome.success(null);
		}, "a task that runs until the process dies"));
		queue.start();
		while (System.in.read() != -1) {
			// Nothing is sent: the stream only ends when the starting JVM closes it or dies.
		}
		Runtime.getRuntime().halt(1);
	}

}
