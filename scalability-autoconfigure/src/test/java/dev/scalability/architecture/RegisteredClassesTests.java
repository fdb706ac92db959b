package dev.scalability.architecture;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class RegisteredClassesTests {

	@Test
	void everyAutoConfigurationInTheImportsFileExistsAndIsAnAutoConfiguration() {
		List<String> names = RegisteredClasses.autoConfigurations();
		assertThat(names).isNotEmpty().doesNotHaveDuplicates().isSorted();
		for (String name : names) {
			assertThatCode(() -> Class.forName(name)).as(name).doesNotThrowAnyException();
			assertThat(load(name).isAnnotationPresent(AutoConfiguration.class)).as(name + " is @AutoConfiguration")
				.isTrue();
		}
	}

	@Test
	void everyClassNamedInSpringFactoriesExists() {
		List<String> names = RegisteredClasses.springFactories();
		assertThat(names).isNotEmpty();
		for (String name : names) {
			assertThatCode(() -> Class.forName(name)).as(name).doesNotThrowAnyException();
		}
	}

	private static Class<?> load(String name) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException ex) {
			throw new AssertionError(ex);
		}
	}

}
