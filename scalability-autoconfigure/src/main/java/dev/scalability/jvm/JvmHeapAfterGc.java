package dev.scalability.jvm;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The heap used right after the latest collection of any kind (young, mixed, full,
 * concurrent), from the JVM's collection notifications: each reports the usage of every
 * pool after it, the old generation included. Reading the pools' own "usage after
 * collection" instead would leave the old generation at its last full or mixed collection,
 * possibly minutes old. One listener per JVM, whatever the number of applications in it.
 */
public final class JvmHeapAfterGc implements HeapUsage {

	private static volatile JvmHeapAfterGc instance;

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.toList();

	private final Set<String> heapPoolNames = this.heapPools.stream()
		.map(MemoryPoolMXBean::getName)
		.collect(Collectors.toUnmodifiableSet());

	private volatile long usedAfterLastGc = -1;

	private JvmHeapAfterGc() {
	}

	public static JvmHeapAfterGc instance() {
		JvmHeapAfterGc current = instance;
		if (current == null) {
			synchronized (JvmHeapAfterGc.class) {
				current = instance;
				if (current == null) {
					current = new JvmHeapAfterGc();
					current.listen();
					instance = current;
				}
			}
		}
		return current;
	}

	private void listen() {
		try {
			for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
				if (collector instanceof NotificationEmitter emitter) {
					emitter.addNotificationListener((notification, handback) -> collected(notification),
							(notification) -> GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
								.equals(notification.getType()),
							null);
				}
			}
		}
		catch (LinkageError ex) {
			// A JVM without com.sun.management: the pools' own readings below will do.
		}
	}

	private void collected(Notification notification) {
		GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
			.from((CompositeData) notification.getUserData());
		long used = 0;
		for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
			if (this.heapPoolNames.contains(pool.getKey())) {
				used += pool.getValue().getUsed();
			}
		}
		this.usedAfterLastGc = used;
	}

	@Override
	public double usedAfterGc() {
		long used = this.usedAfterLastGc;
		if (used < 0) {
			used = poolsAfterTheirLastCollection();
		}
		MemoryUsage heap = this.memory.getHeapMemoryUsage();
		long max = (heap.getMax() > 0) ? heap.getMax() : heap.getCommitted();
		return (max > 0) ? Math.min(1, (double) used / max) : 0;
	}

	private long poolsAfterTheirLastCollection() {
		long used = 0;
		for (MemoryPoolMXBean pool : this.heapPools) {
			MemoryUsage afterGc = pool.getCollectionUsage();
			if (afterGc != null) {
				used += afterGc.getUsed();
			}
		}
		return used;
	}

}
