package dev.scalability.events.actuate;

import dev.scalability.actuate.ScalabilitySnapshotContributor;
import dev.scalability.events.EventBusBackend;

/**
 * The {@code events} section of {@code /actuator/scalability}: the backend and the topics
 * with their groups' lag, pending events and dead-letter counts; the dead letters
 * themselves are listed by {@code /actuator/events}.
 */
public class EventsSnapshotContributor implements ScalabilitySnapshotContributor {

	private final EventBusBackend bus;

	public EventsSnapshotContributor(EventBusBackend bus) {
		this.bus = bus;
	}

	@Override
	public String name() {
		return "events";
	}

	@Override
	public Object snapshot() {
		return EventBusDescription.describe(this.bus, false);
	}

}
