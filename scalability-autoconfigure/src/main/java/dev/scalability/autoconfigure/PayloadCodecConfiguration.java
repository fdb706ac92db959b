package dev.scalability.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.scalability.delivery.JacksonPayloadCodec;
import dev.scalability.delivery.PayloadCodec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The one codec of the features that carry payloads (events, tasks): JSON with the
 * application's {@link JsonMapper}, trusting for class-named type ids the application's
 * own packages and those each feature's {@code trusted-packages} names.
 */
@Configuration(proxyBeanMethods = false)
public class PayloadCodecConfiguration {

	static final List<String> TRUSTED_PACKAGES_PROPERTIES = List.of("scalability.events.trusted-packages",
			"scalability.tasks.trusted-packages");

	@Bean
	@ConditionalOnMissingBean(PayloadCodec.class)
	JacksonPayloadCodec scalabilityPayloadCodec(ObjectProvider<JsonMapper> jsonMapper, Environment environment,
			BeanFactory beanFactory) {
		JsonMapper mapper = jsonMapper.getIfAvailable(JsonMapper::new);
		List<String> trusted = trustedPackages(environment, beanFactory, TRUSTED_PACKAGES_PROPERTIES);
		// Knowing no package of its own, the codec keeps Jackson's rule: a class-named type id
		// only for a subtype of a specific declared type, never of Object.
		return trusted.isEmpty() ? new JacksonPayloadCodec(mapper) : JacksonPayloadCodec.trusting(mapper, trusted);
	}

	/**
	 * The packages whose classes a feature may make from what Redis holds: the
	 * application's own ({@code @SpringBootApplication}'s) and those the properties name.
	 * @param environment the environment
	 * @param beanFactory the bean factory
	 * @param properties the {@code trusted-packages} properties to read
	 * @return the packages
	 */
	public static List<String> trustedPackages(Environment environment, BeanFactory beanFactory,
			List<String> properties) {
		Binder binder = Binder.get(environment);
		List<String> trusted = new ArrayList<>();
		for (String property : properties) {
			trusted.addAll(binder.bind(property, Bindable.listOf(String.class)).orElse(List.of()));
		}
		if (AutoConfigurationPackages.has(beanFactory)) {
			trusted.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		return trusted;
	}

}
