package dev.scalability.permits;

import java.time.Duration;

/**
 * A limit of permits: at most {@code limit} per {@code window}, with {@code burst} more
 * after a quiet spell.
 *
 * @param name the limit's name, whose count it is
 * @param limit permits per window, at least 1
 * @param window the window, whole milliseconds
 * @param burst extra permits at once, at least 0
 */
public record PermitLimit(String name, long limit, Duration window, long burst) {

	public PermitLimit {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("a limit needs a name");
		}
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, not " + limit);
		}
		if (window == null || window.toMillis() < 1) {
			throw new IllegalArgumentException("window must be at least 1ms, not " + window);
		}
		if (burst < 0) {
			throw new IllegalArgumentException("burst must not be negative, not " + burst);
		}
	}

	/**
	 * The most permits available at once.
	 * @return {@code limit + burst}
	 */
	public long capacity() {
		return this.limit + this.burst;
	}

}
