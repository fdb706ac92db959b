package dev.scalability.requestqueue.web;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's behaviour on Jetty.
 */
@SpringBootTest(classes = QueueTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude="
				+ "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration" })
class RequestQueueOnJettyTests extends RequestQueueServletContainerTests {

	@Autowired
	private WebServerApplicationContext context;

	@Test
	void runsOnJetty() {
		assertThat(this.context.getWebServer()).isInstanceOf(JettyWebServer.class);
	}

}
