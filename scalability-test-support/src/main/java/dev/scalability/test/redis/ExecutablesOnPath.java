package dev.scalability.test.redis;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a command the way a shell would, from a PATH value. */
final class ExecutablesOnPath {

	private ExecutablesOnPath() {
	}

	static Optional<Path> find(String command, String pathVariable) {
		if (pathVariable == null || pathVariable.isBlank()) {
			return Optional.empty();
		}
		for (String directory : pathVariable.split(File.pathSeparator)) {
			if (directory.isBlank()) {
				continue;
			}
			Path candidate = Path.of(directory, command);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	static boolean isOnPath(String command) {
		return find(command, System.getenv("PATH")).isPresent();
	}

}
