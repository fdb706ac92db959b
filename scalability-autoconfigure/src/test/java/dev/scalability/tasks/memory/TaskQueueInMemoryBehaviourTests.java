package dev.scalability.tasks.memory;

import java.time.Clock;

import dev.scalability.tasks.TaskQueueBackend;
import dev.scalability.tasks.TaskQueueBehaviourTests;
import dev.scalability.tasks.TaskQueueSettings;

class TaskQueueInMemoryBehaviourTests extends TaskQueueBehaviourTests {

	@Override
	protected TaskQueueBackend createQueue(TaskQueueSettings settings) {
		return new MemoryTaskQueue(settings, this.codec, this.clock::nanos, Clock.systemUTC());
	}

}
