package dev.scalability.jvm;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JVM's heap reading follows its collections, young ones included.
 */
class JvmHeapAfterGcTests {

	@Test
	void aCollectionUpdatesTheReadingWithTheLiveHeap() {
		HeapUsage heap = HeapUsage.jvm();
		// Something live and large, so that the heap after collection cannot read as empty.
		byte[][] live = new byte[16][];
		for (int i = 0; i < live.length; i++) {
			live[i] = new byte[1024 * 1024];
		}
		System.gc();
		await().atMost(Duration.ofSeconds(10)).until(() -> heap.usedAfterGc() > 0);
		double reading = heap.usedAfterGc();
		long max = Runtime.getRuntime().maxMemory();
		assertThat(reading).isLessThanOrEqualTo(1.0);
		assertThat(reading * max).isGreaterThanOrEqualTo(16.0 * 1024 * 1024);
		assertThat(live[15]).hasSize(1024 * 1024);
	}

	@Test
	void everyApplicationInTheJvmSharesOneListener() {
		assertThat(HeapUsage.jvm()).isSameAs(HeapUsage.jvm());
	}

}
