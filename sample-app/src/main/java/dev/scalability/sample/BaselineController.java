package dev.scalability.sample;

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

	@GetMapping("/cpu")
	Map<String, Object> cpu(@RequestParam(defaultValue = "10") long ms) {
		Duration duration = bounded(ms);
		long end = System.nanoTime() + duration.toNanos();
		long spins = 0;
		while (System.nanoTime() < end) {
			spins++;
		}
		return Map.of("busyMs", duration.toMillis(), "spins", spins);
	}

	private static Duration bounded(long ms) {
		if (ms < 0 || ms > LONGEST_REQUEST.toMillis()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"ms must be between 0 and " + LONGEST_REQUEST.toMillis());
		}
		return Duration.ofMillis(ms);
	}

}
