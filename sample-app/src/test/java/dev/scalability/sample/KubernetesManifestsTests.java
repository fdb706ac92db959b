package dev.scalability.sample;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests of {@code docs/kubernetes} read into the Kubernetes API's own types
 * (fabric8's model, generated from the Kubernetes OpenAPI schemas): a field the API does
 * not have, or a value of the wrong type, fails; and what must agree with the application
 * does.
 */
class KubernetesManifestsTests {

	static final Path MANIFESTS = Path.of("..", "docs", "kubernetes");

	private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("apps/v1/Deployment",
			Deployment.class, "v1/Service", Service.class, "autoscaling/v2/HorizontalPodAutoscaler",
			HorizontalPodAutoscaler.class, "v1/ConfigMap", ConfigMap.class);

	private final YAMLMapper yaml = YAMLMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	@Test
	void everyManifestIsAKubernetesObjectWithNoFieldTheApiDoesNotHave() throws IOException {
		List<HasMetadata> objects = readAll();
		assertThat(objects).extracting(HasMetadata::getKind)
			.contains("Deployment", "Service", "HorizontalPodAutoscaler", "ConfigMap");
		for (HasMetadata object : objects) {
			assertThat(unknownFields(object, object.getKind(), new IdentityHashMap<>())).as(object.getKind()).isEmpty();
			assertThat(object.getMetadata().getName()).isNotBlank();
		}
	}

	@Test
	void theDeploymentProbesTheHealthGroupsAndOutlastsTheGracefulShutdown() throws IOException {
		Deployment deployment = only(Deployment.class);
		Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
		assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
		assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
		long preStop = app.getLifecycle().getPreStop().getSleep().getSeconds();
		long shutdownPhase = java.time.Duration.parse("PT" + app.getEnv()
			.stream()
			.filter((variable) -> variable.getName().equals("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE"))
			.findFirst()
			.orElseThrow()
			.getValue()
			.toUpperCase()).toSeconds();
		assertThat(shutdownPhase).as("the sample's own setting").isEqualTo(30);
		// The queue's drain, then the web server's graceful shutdown, each one phase.
		assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
			.isGreaterThan(preStop + 2 * shutdownPhase);
		assertThat(deployment.getSpec().getSelector().getMatchLabels())
			.isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
	}

	@Test
	void theAutoscalerScalesTheDeploymentOnTheRequestQueuesDepthThatTheAdapterServes() throws IOException {
		HorizontalPodAutoscaler hpa = only(HorizontalPodAutoscaler.class);
		assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(only(Deployment.class).getMetadata().getName());
		String metric = hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName();
		assertThat(metric).isEqualTo("scalability_requestqueue_pending");
		JsonNode adapter = this.yaml.readTree(only(ConfigMap.class).getData().get("config.yaml"));
		assertThat(adapter.path("rules").get(0).path("name").path("as").asText()).isEqualTo(metric);
	}

	private <T extends HasMetadata> T only(Class<T> type) throws IOException {
		List<T> found = readAll().stream().filter(type::isInstance).map(type::cast).toList();
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	private List<HasMetadata> readAll() throws IOException {
		List<HasMetadata> objects = new ArrayList<>();
		try (var files = Files.list(MANIFESTS)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".yaml")).sorted().toList()) {
				try (MappingIterator<JsonNode> documents = this.yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
					while (documents.hasNext()) {
						JsonNode document = documents.next();
						String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
						assertThat(KINDS).as(file + ": " + kind).containsKey(kind);
						objects.add(this.yaml.treeToValue(document, KINDS.get(kind)));
					}
				}
			}
		}
		return objects;
	}

	/**
	 * The fields fabric8's types kept aside as unknown, with where they were: the model
	 * takes any field, and keeps those the API does not have in additionalProperties.
	 */
	private static List<String> unknownFields(Object object, String path, Map<Object, Boolean> seen) {
		List<String> unknown = new ArrayList<>();
		if (object == null || seen.put(object, Boolean.TRUE) != null) {
			return unknown;
		}
		if (object instanceof Collection<?> items) {
			int index = 0;
			for (Object item : items) {
				unknown.addAll(unknownFields(item, path + "[" + index++ + "]", seen));
			}
			return unknown;
		}
		if (object instanceof Map<?, ?> entries) {
			entries.forEach((key, value) -> unknown.addAll(unknownFields(value, path + "." + key, seen)));
			return unknown;
		}
		if (!object.getClass().getName().startsWith("io.fabric8.")) {
			return unknown;
		}
		for (Method getter : object.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
					|| !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
				continue;
			}
			Object value;
			try {
				value = getter.invoke(object);
			}
			catch (ReflectiveOperationException ex) {
				continue;
			}
			if (getter.getName().equals("getAdditionalProperties")) {
				if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
					extra.keySet().forEach((key) -> unknown.add(path + "." + key));
				}
				continue;
			}
			unknown.addAll(unknownFields(value, path + "." + getter.getName().substring(3), seen));
		}
		return unknown;
	}

}
