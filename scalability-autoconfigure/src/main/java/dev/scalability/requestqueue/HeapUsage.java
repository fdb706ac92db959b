package dev.scalability.requestqueue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * How full the heap was after the last garbage collection, as a share of the most it may
 * grow to. The reading after a collection is what is really live: the heap just before one
 * is always nearly full, and forcing a collection to find out would stall the service.
 */
@FunctionalInterface
public interface HeapUsage {

	/**
	 * The share of the heap in use after the last collection.
	 * @return between 0 and 1; 0 before any collection
	 */
	double usedAfterGc();

	/**
	 * This JVM's heap, from its memory pools' usage after their last collection.
	 * @return the reading
	 */
	static HeapUsage jvm() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null)
			.toList();
		return () -> {
			long used = 0;
			for (MemoryPoolMXBean pool : pools) {
				MemoryUsage afterGc = pool.getCollectionUsage();
				if (afterGc != null) {
					used += afterGc.getUsed();
				}
			}
			MemoryUsage heap = memory.getHeapMemoryUsage();
			long max = (heap.getMax() > 0) ? heap.getMax() : heap.getCommitted();
			return (max > 0) ? (double) used / max : 0;
		};
	}

}
