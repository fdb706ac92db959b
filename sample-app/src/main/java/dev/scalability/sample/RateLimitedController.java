package dev.scalability.sample;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints whose rate limits come from {@code scalability.rate-limit.rules} in
 * {@code application.yml}: nothing here knows about them.
 */
@RestController
@RequestMapping("/api")
class RateLimitedController {

	@PostMapping("/ai/complete")
	Map<String, String> complete(@RequestBody(required = false) Map<String, Object> prompt) {
		return Map.of("completion", "a thoughtful answer");
	}

	/**
	 * A demonstration login: any user name with a non-empty password gets a token.
	 */
	@PostMapping("/auth/login")
	ResponseEntity<Map<String, String>> login(@RequestBody(required = false) Map<String, String> credentials) {
		if (credentials != null && credentials.get("username") != null && credentials.get("password") != null
				&& !credentials.get("password").isEmpty()) {
			return ResponseEntity.ok(Map.of("token", "token-for-" + credentials.get("username")));
		}
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "bad credentials"));
	}

	@PostMapping("/upload")
	Map<String, Object> upload(@RequestBody(required = false) byte[] content) {
		return Map.of("stored", (content != null) ? content.length : 0);
	}

}
