package dev.scalability.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Open-model overload of one running instance of the sample: arrivals do not wait for
 * answers, as real clients don't.
 * <p>
 * First a warm-up (not measured) at {@code RQ_WARMUP_MULTIPLIER} × capacity, request name
 * {@code warmup}. Then, for each multiplier m of {@code RQ_MULTIPLIERS} in turn, separated by
 * {@code RQ_GAP_S} of silence: {@code RQ_PHASE_S} seconds of {@code GET /api/cpu?ms=20} at
 * m × {@code RQ_CAPACITY} requests a second, one request per virtual user, named
 * {@code cpu <m>x}, and, over the same seconds, {@code RQ_PRIORITY_RATE} high-priority
 * {@code GET /actuator/health/liveness} a second, named {@code liveness <m>x}. Every request
 * has the client timeout {@code RQ_TIMEOUT_MS}: later is failed.
 * <p>
 * Written to {@code RQ_OUT_DIR}: the outcome of every request (status, the problem's reason,
 * timeout) and the client-side latency of the 200s ({@link Outcomes}); the queue's own view,
 * {@code GET /actuator/requestqueue}, before the first phase ({@code queue-start.json}), in the
 * middle of each phase ({@code queue-<m>x-mid.json}) and at the end of the gap after it
 * ({@code queue-<m>x-end.json}); and where the CPU went over the middle of each phase
 * ({@link CpuSampler}, {@code cpu.tsv}).
 */
public class RequestQueueOverloadSimulation extends Simulation {

	private final Settings settings = Settings.fromEnvironment();

	{
		List<PopulationBuilder> populations = new ArrayList<>();
		Duration warmUp = this.settings.warmUp();
		double warmUpRate = this.settings.warmUpMultiplier() * this.settings.capacity();
		populations.add(scenario("warmup")
			.exec(Requests.get("warmup", this.settings.cpuPath(), this.settings))
			.injectOpen(constantUsersPerSec(warmUpRate).during(warmUp)));

		Duration phase = this.settings.phase();
		Duration gap = this.settings.gap();
		// The CPU window: the phase less its first and last sixth (5 s of 30 s).
		Duration margin = phase.dividedBy(6);
		Duration start = warmUp.plus(gap);
		populations.add(once("snapshot start", snapshot("queue-start", "/actuator/requestqueue"),
				start.minusMillis(500)));
		for (double multiplier : this.settings.multipliers()) {
			String label = Settings.label(multiplier);
			double rate = multiplier * this.settings.capacity();
			populations.add(scenario("cpu " + label)
				.exec(Requests.get("cpu " + label, this.settings.cpuPath(), this.settings))
				.injectOpen(nothingFor(start), constantUsersPerSec(rate).during(phase)));
			populations.add(scenario("liveness " + label)
				.exec(Requests.get("liveness " + label, "/actuator/health/liveness", this.settings))
				.injectOpen(nothingFor(start), constantUsersPerSec(this.settings.priorityRate()).during(phase)));
			populations.add(once("cpu window begin " + label, CpuSampler.begin(label, this.settings.servicePid()),
					start.plus(margin)));
			populations.add(once("cpu window end " + label, CpuSampler.end(label, this.settings.servicePid()),
					start.plus(phase).minus(margin)));
			populations.add(once("snapshot mid " + label, snapshot("queue-" + label + "-mid", "/actuator/requestqueue"),
					start.plus(phase.dividedBy(2))));
			// After the gap: by then every request of the phase has its answer, or was given
			// up on by the queue too (max-wait), so the counters tell the phase's whole story.
			start = start.plus(phase).plus(gap);
			populations.add(once("snapshot end " + label, snapshot("queue-" + label + "-end", "/actuator/requestqueue"),
					start.minusMillis(500)));
		}
		setUp(populations).protocols(Requests.protocol(this.settings));
	}

	private ChainBuilder snapshot(String file, String path) {
		return Requests.snapshot(file, path, this.settings);
	}

	private static PopulationBuilder once(String name, ChainBuilder chain, Duration at) {
		return scenario(name).exec(chain).injectOpen(nothingFor(at), atOnceUsers(1));
	}

	@Override
	public void before() {
		Readiness.await(this.settings);
	}

	@Override
	public void after() {
		Outcomes.write(this.settings.outputDirectory());
		CpuSampler.write(this.settings.outputDirectory().resolve("cpu.tsv"));
	}

}
