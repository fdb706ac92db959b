package dev.scalability.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.scalability.redis.InstanceRegistry;
import dev.scalability.redis.RedisWarmUp;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Prepares every feature's use of Redis before the application takes traffic: it starts
 * before the web server (and so before readiness), connects, loads the scripts and beats
 * once, within {@code scalability.redis.warm-up-timeout} in all. A fresh instance flooded
 * the moment it is ready then pays no connection and no script load on its first
 * requests, which would otherwise time out and open breakers over a healthy Redis. A
 * Redis that is down only delays the start-up by the timeout. On shutdown, after the web
 * server has stopped, the instance leaves the registry.
 */
public class RedisWarmUpLifecycle implements SmartLifecycle {

	/**
	 * Before the web server, which starts at {@code DEFAULT_PHASE - 2048}.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(RedisWarmUpLifecycle.class);

	private final ObjectProvider<RedisWarmUp> warmUps;

	private final InstanceRegistry instances;

	private final Duration timeout;

	private volatile boolean running;

	public RedisWarmUpLifecycle(ObjectProvider<RedisWarmUp> warmUps, InstanceRegistry instances, Duration timeout) {
		this.warmUps = warmUps;
		this.instances = instances;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		List<RedisWarmUp> all = this.warmUps.orderedStream().toList();
		boolean ready = true;
		for (RedisWarmUp warmUp : all) {
			Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			ready &= !left.isZero() && warmUp.warmUp(left);
		}
		if (!ready) {
			logger.warn("Redis was not ready within " + this.timeout.toMillis() + " ms (scalability.redis."
					+ "warm-up-timeout): the features that use it start degraded and recover when it answers");
		}
		this.instances.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.instances.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
