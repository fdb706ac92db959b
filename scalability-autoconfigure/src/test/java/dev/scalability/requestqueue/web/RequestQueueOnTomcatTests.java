package dev.scalability.requestqueue.web;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's behaviour on Tomcat.
 */
@SpringBootTest(classes = QueueTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {})
class RequestQueueOnTomcatTests extends RequestQueueServletContainerTests {

	@Autowired
	private WebServerApplicationContext context;

	@Test
	void runsOnTomcat() {
		assertThat(this.context.getWebServer()).isInstanceOf(TomcatWebServer.class);
	}

}
