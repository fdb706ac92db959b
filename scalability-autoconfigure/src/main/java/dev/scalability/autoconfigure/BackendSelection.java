package dev.scalability.autoconfigure;

import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Resolves which backend a feature runs on: the feature's own
 * {@code scalability.<feature>.backend}, else {@code scalability.backend}, else memory.
 */
public final class BackendSelection {

	/**
	 * The features of this version that can run on Redis, by their property name: Redis is
	 * connected to, checked and warmed up only for them.
	 */
	public static final List<String> FEATURES = List.of("rate-limit", "cache", "events", "tasks");

	private final Backend backend;

	private final String selectedBy;

	private BackendSelection(Backend backend, String selectedBy) {
		this.backend = backend;
		this.selectedBy = selectedBy;
	}

	/**
	 * The backend of the starter as a whole ({@code scalability.backend}).
	 * @param environment the environment to read
	 * @return the selection
	 */
	public static BackendSelection root(Environment environment) {
		Binder binder = Binder.get(environment);
		return binder.bind("scalability.backend", Backend.class)
			.map((backend) -> new BackendSelection(backend, "scalability.backend"))
			.orElseGet(() -> new BackendSelection(Backend.MEMORY, null));
	}

	/**
	 * The backend of one feature.
	 * @param environment the environment to read
	 * @param feature the feature's property name, such as {@code rate-limit}
	 * @return the selection
	 */
	public static BackendSelection of(Environment environment, String feature) {
		String property = "scalability." + feature + ".backend";
		return Binder.get(environment)
			.bind(property, Backend.class)
			.map((backend) -> new BackendSelection(backend, property))
			.orElseGet(() -> root(environment));
	}

	/**
	 * Whether the starter and the given feature are switched on.
	 * @param environment the environment to read
	 * @param feature the feature's property name
	 * @return whether the feature runs
	 */
	public static boolean isEnabled(Environment environment, String feature) {
		Binder binder = Binder.get(environment);
		return binder.bind("scalability.enabled", Boolean.class).orElse(true)
				&& binder.bind("scalability." + feature + ".enabled", Boolean.class).orElse(true);
	}

	/**
	 * The property that makes an enabled feature keep its state in Redis, if any does:
	 * {@code scalability.backend} alone selects nothing when every feature sets its own.
	 * @param environment the environment to read
	 * @return the first such property
	 */
	public static Optional<String> redisSelectingProperty(Environment environment) {
		if (!Binder.get(environment).bind("scalability.enabled", Boolean.class).orElse(true)) {
			return Optional.empty();
		}
		for (String feature : FEATURES) {
			if (isEnabled(environment, feature)) {
				BackendSelection selection = of(environment, feature);
				if (selection.isRedis()) {
					return selection.selectedBy();
				}
			}
		}
		return Optional.empty();
	}

	public Backend backend() {
		return this.backend;
	}

	/**
	 * The property that chose the backend, if one did.
	 * @return the property name, or empty when the default applies
	 */
	public Optional<String> selectedBy() {
		return Optional.ofNullable(this.selectedBy);
	}

	public boolean isRedis() {
		return this.backend == Backend.REDIS;
	}

}
