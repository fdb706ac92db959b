package dev.scalability.benchmarks.load;

import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Closed-model saturation, to measure the capacity that the open-model runs are multiples
 * of: {@code RQ_CONCURRENCY} clients, each sending its next {@code GET /api/cpu?ms=20} as
 * soon as it has the answer to its last, for {@code RQ_WARMUP_S} (request name
 * {@code warmup}, not measured: the JIT compilers) and then for {@code RQ_MEASURE_S}
 * (request name {@code saturation}). Capacity = OK saturation requests / RQ_MEASURE_S.
 */
public class CapacitySimulation extends Simulation {

	private final Settings settings = Settings.fromEnvironment();

	{
		setUp(scenario("warmup").exec(Requests.get("warmup", this.settings.cpuPath(), this.settings))
			.injectClosed(constantConcurrentUsers(this.settings.concurrency()).during(this.settings.warmUp()))
			.andThen(scenario("saturation")
				.exec(Requests.get("saturation", this.settings.cpuPath(), this.settings))
				.injectClosed(constantConcurrentUsers(this.settings.concurrency()).during(this.settings.measure()))))
			.protocols(Requests.protocol(this.settings));
	}

	@Override
	public void before() {
		Readiness.await(this.settings);
	}

	@Override
	public void after() {
		Outcomes.write(this.settings.outputDirectory());
	}

}
