package dev.scalability.architecture;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * What features share lives in the shared packages; a feature's core does not reach into
 * its own adapters, nor into another feature; the shared packages know no feature.
 */
class FeatureBoundariesArchitectureTests {

	/**
	 * The features, by package under {@code dev.scalability}.
	 */
	static final List<String> FEATURES = List.of("ratelimit", "requestqueue", "cache", "events", "tasks",
			"protection", "health");

	/**
	 * The packages every feature may use.
	 */
	static final List<String> SHARED = List.of("redis", "web", "actuate", "time", "backend", "autoconfigure",
			"delivery", "permits", "jvm");

	private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.scalability");

	@Test
	void aFeaturesCoreDoesNotUseItsOwnAdapters() {
		for (String feature : FEATURES) {
			String core = "dev.scalability." + feature;
			ArchRule rule = noClasses().that()
				.resideInAPackage(core)
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(core + ".web..", core + ".redis..", core + ".annotation..", core + ".actuate..",
						core + ".health..", core + ".metrics..")
				.because("the core of " + feature + " is what its adapters plug into, not the other way round")
				.allowEmptyShould(true);
			rule.check(MAIN_CLASSES);
		}
	}

	@Test
	void aFeatureUsesAnotherOnlyThroughTheSharedPackages() {
		for (String feature : FEATURES) {
			for (String other : FEATURES) {
				if (feature.equals(other)) {
					continue;
				}
				// Its auto-configuration included: it wires the feature through shared types too.
				ArchRule rule = noClasses().that()
					.resideInAPackage("dev.scalability." + feature + "..")
					.should()
					.dependOnClassesThat()
					.resideInAPackage("dev.scalability." + other + "..")
					.because("what two features need lives once, in a shared package")
					.allowEmptyShould(true);
				rule.check(MAIN_CLASSES);
			}
		}
	}

	@Test
	void theSharedPackagesKnowNoFeature() {
		for (String shared : SHARED) {
			String[] features = FEATURES.stream().map((feature) -> "dev.scalability." + feature + "..")
				.toArray(String[]::new);
			ArchRule rule = noClasses().that()
				.resideInAPackage("dev.scalability." + shared + "..")
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(features)
				.because("shared code serves every feature and depends on none")
				.allowEmptyShould(true);
			rule.check(MAIN_CLASSES);
		}
	}

}
