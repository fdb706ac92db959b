package dev.scalability.events.autoconfigure;

import java.time.Duration;

import dev.scalability.events.EventBusBackend;

import org.springframework.context.SmartLifecycle;

/**
 * Starts handing events to listeners once every bean exists, and stops it when the
 * application shuts down, after the web server has stopped, so that requests still
 * running can publish: no new event is taken, and the handlers that run finish within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
class EventBusLifecycle implements SmartLifecycle {

	/**
	 * After the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop
	 * ({@code DEFAULT_PHASE - 2048}); on start-up, before it takes traffic.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final EventBusBackend bus;

	private final Duration timeout;

	EventBusLifecycle(EventBusBackend bus, Duration timeout) {
		this.bus = bus;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.bus.start();
	}

	@Override
	public void stop() {
		this.bus.stop(this.timeout);
	}

	@Override
	public boolean isRunning() {
		return this.bus.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
