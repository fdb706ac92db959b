package dev.scalability.sample;

import dev.scalability.events.annotation.EventBusListener;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Two groups of {@code orders.created}: each gets every order.
 */
@Component
class OrderEventListeners {

	static final String ORDERS_CREATED = "orders.created";

	private final EventStats stats;

	OrderEventListeners(EventStats stats) {
		this.stats = stats;
	}

	@EventBusListener(topic = ORDERS_CREATED, group = "billing", concurrency = 2)
	void bill(JsonNode order) {
		this.stats.handled(ORDERS_CREATED, "billing");
	}

	@EventBusListener(topic = ORDERS_CREATED, group = "shipping")
	void ship(JsonNode order) {
		this.stats.handled(ORDERS_CREATED, "shipping");
	}

}
