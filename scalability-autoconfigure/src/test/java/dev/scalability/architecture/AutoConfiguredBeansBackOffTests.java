package dev.scalability.architecture;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bean the starter defines gives way to one the application defines, so users can
 * replace any part. Post-processors are infrastructure, not parts to replace.
 */
class AutoConfiguredBeansBackOffTests {

	@Test
	void everyAutoConfiguredBeanBacksOffWhenTheApplicationDefinesOne() throws ClassNotFoundException {
		List<String> missing = new ArrayList<>();
		int checked = 0;
		for (String name : RegisteredClasses.autoConfigurations()) {
			for (Method method : beanMethods(Class.forName(name))) {
				if (isInfrastructure(method)) {
					continue;
				}
				checked++;
				if (!method.isAnnotationPresent(ConditionalOnMissingBean.class)) {
					missing.add(method.getDeclaringClass().getName() + "#" + method.getName());
				}
			}
		}
		assertThat(checked).isPositive();
		assertThat(missing).as("@Bean methods without @ConditionalOnMissingBean").isEmpty();
	}

	private static List<Method> beanMethods(Class<?> type) {
		List<Method> methods = new ArrayList<>();
		for (Method method : type.getDeclaredMethods()) {
			if (method.isAnnotationPresent(Bean.class)) {
				methods.add(method);
			}
		}
		for (Class<?> nested : type.getDeclaredClasses()) {
			methods.addAll(beanMethods(nested));
		}
		return methods;
	}

	private static boolean isInfrastructure(Method method) {
		return BeanFactoryPostProcessor.class.isAssignableFrom(method.getReturnType())
				|| BeanPostProcessor.class.isAssignableFrom(method.getReturnType());
	}

}
