package dev.scalability.events.autoconfigure;

import dev.scalability.autoconfigure.FailureAnalyses;
import dev.scalability.autoconfigure.ScalabilityAutoConfiguration;
import dev.scalability.events.annotation.EventBusListener;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code @EventBusListener} method that cannot listen stops the start-up, and the
 * failure analysis names its bean, the method and what is wrong.
 */
class EventBusListenerRegistrationFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ScalabilityAutoConfiguration.class, EventsAutoConfiguration.class));

	@Test
	void aListenerWithoutParameterStopsTheStartUp() {
		assertFailure(NoParameterConfiguration.class, "noParameter", "NoParameter.on()", "exactly one parameter");
	}

	@Test
	void aListenerWithTwoParametersStopsTheStartUp() {
		assertFailure(TwoParametersConfiguration.class, "twoParameters", "TwoParameters.on(String, String)",
				"takes 2");
	}

	@Test
	void aListenerWithABlankTopicStopsTheStartUp() {
		assertFailure(BlankTopicConfiguration.class, "blankTopic", "BlankTopic.on(String)", "topic is blank");
	}

	@Test
	void aListenerWithoutThreadsStopsTheStartUp() {
		assertFailure(NoThreadsConfiguration.class, "noThreads", "NoThreads.on(String)", "at least 1");
	}

	@Test
	void twoListenersInOneGroupOfATopicStopTheStartUp() {
		assertFailure(SameGroupConfiguration.class, "sameGroup", "SameGroup.", "give it a group of its own");
	}

	@Test
	void aListenerOnABeanThatIsNoSingletonStopsTheStartUp() {
		this.contextRunner.withUserConfiguration(PrototypeConfiguration.class, PrototypeUser.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("prototypeListener").contains("not a singleton");
		});
	}

	@Test
	void aListenerThatItsBeansInterfaceProxyHidesStopsTheStartUp() {
		this.contextRunner.withUserConfiguration(InterfaceProxyConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Bean:   interfaceProxied")
				.contains("Hidden.on(String)")
				.contains("cannot be called through the bean's proxy");
		});
	}

	private void assertFailure(Class<?> configuration, String beanName, String method, String reason) {
		this.contextRunner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalyses.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Bean:   " + beanName).contains(method).contains(reason);
			assertThat(analysis.getAction()).contains("one parameter");
		});
	}

	interface Named {

		String name();

	}

	static class Hidden implements Named {

		@Override
		public String name() {
			return "hidden";
		}

		@EventBusListener(topic = "orders", group = "billing")
		public void on(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceProxyConfiguration {

		@Bean
		Named interfaceProxied() {
			return (Named) new ProxyFactory(new Hidden()).getProxy();
		}

	}

	static class NoParameter {

		@EventBusListener(topic = "orders")
		void on() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoParameterConfiguration {

		@Bean
		NoParameter noParameter() {
			return new NoParameter();
		}

	}

	static class TwoParameters {

		@EventBusListener(topic = "orders")
		void on(String order, String extra) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoParametersConfiguration {

		@Bean
		TwoParameters twoParameters() {
			return new TwoParameters();
		}

	}

	static class BlankTopic {

		@EventBusListener(topic = " ")
		void on(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlankTopicConfiguration {

		@Bean
		BlankTopic blankTopic() {
			return new BlankTopic();
		}

	}

	static class NoThreads {

		@EventBusListener(topic = "orders", concurrency = 0)
		void on(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoThreadsConfiguration {

		@Bean
		NoThreads noThreads() {
			return new NoThreads();
		}

	}

	static class SameGroup {

		@EventBusListener(topic = "orders", group = "billing")
		void first(String order) {
		}

		@EventBusListener(topic = "orders", group = "billing")
		void second(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SameGroupConfiguration {

		@Bean
		SameGroup sameGroup() {
			return new SameGroup();
		}

	}

	static class PrototypeListener {

		@EventBusListener(topic = "orders", group = "billing")
		void on(String order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeConfiguration {

		@Bean
		@Scope("prototype")
		PrototypeListener prototypeListener() {
			return new PrototypeListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeUser {

		PrototypeUser(PrototypeListener listener) {
		}

	}

}
