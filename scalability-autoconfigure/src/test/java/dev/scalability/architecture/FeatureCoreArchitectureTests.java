package dev.scalability.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The core of each feature (algorithms, queues, backends) is plain Java and Spring
 * Framework; only the {@code autoconfigure}, {@code actuate} and {@code health} packages
 * speak Spring Boot.
 */
class FeatureCoreArchitectureTests {

	private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.scalability");

	@Test
	void featureCoresDoNotDependOnSpringBoot() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("dev.scalability..")
			.and()
			.resideOutsideOfPackages("..autoconfigure..", "..actuate..", "..health..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.because("feature cores must be usable without Spring Boot");
		rule.check(MAIN_CLASSES);
	}

	@Test
	void autoConfigurationIsNotUsedByFeatureCores() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("dev.scalability..")
			.and()
			.resideOutsideOfPackages("..autoconfigure..", "..actuate..", "..health..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("..autoconfigure..")
			.because("wiring depends on the core, never the other way round");
		rule.check(MAIN_CLASSES);
	}

}
