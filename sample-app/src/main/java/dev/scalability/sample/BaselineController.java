package dev.scalability.sample;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Endpoints with a known cost, to measure the starter's overhead and to load the service.
 */
@RestController
@RequestMapping("/api")
class BaselineController {

	private static final Duration LONGEST_REQUEST = Duration.ofMinutes(2);

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	@GetMapping("/hello")
	Map<String, String> hello() {
		return Map.of("message", "hello");
	}

	@GetMapping("/work")
	ResponseEntity<Map<String, Object>> work(@RequestParam(defaultValue = "100") long ms) throws InterruptedException {
		Duration duration = bounded(ms);
		Thread.sleep(duration.toMillis());
		return ResponseEntity.ok(Map.of("waitedMs", duration.toMillis()));
	}

	/**
	 * Burns the given CPU time of the request's own thread. Counting the thread's CPU time,
	 * not the wall clock, makes every request cost the same whatever share of a core it
	 * gets: capacity is cores × 1000 / ms requests a second, and more load than that is
	 * real overload, as it is for CPU-bound work.
	 */
	@GetMapping("/cpu")
	Map<String, Object> cpu(@RequestParam(defaultValue = "10") long ms) {
		Duration duration = bounded(ms);
		long start = THREADS.getCurrentThreadCpuTime();
		long end = start + duration.toNanos();
		long spins = 0;
		long burnt = start;
		while (burnt < end) {
			for (int i = 0; i < 10_000; i++) {
				spins++;
			}
			burnt = THREADS.getCurrentThreadCpuTime();
		}
		return Map.of("busyMs", duration.toMillis(), "cpuMs", (burnt - start) / 1_000_000, "spins", spins);
	}

	private static Duration bounded(long ms) {
		if (ms < 0 || ms > LONGEST_REQUEST.toMillis()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"ms must be between 0 and " + LONGEST_REQUEST.toMillis());
		}
		return Duration.ofMillis(ms);
	}

}
