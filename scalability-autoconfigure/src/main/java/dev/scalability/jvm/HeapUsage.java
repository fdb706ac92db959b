package dev.scalability.jvm;

/**
 * How full the heap was right after the last garbage collection, as a share of the most it
 * may grow to. The reading after a collection is what is really live: the heap just before
 * one is always nearly full, and forcing a collection to find out would stall the service.
 */
@FunctionalInterface
public interface HeapUsage {

	/**
	 * The share of the heap in use after the last collection.
	 * @return between 0 and 1; 0 before any collection
	 */
	double usedAfterGc();

	/**
	 * This JVM's heap, as its collections report it: see {@link JvmHeapAfterGc}.
	 * @return the reading
	 */
	static HeapUsage jvm() {
		return JvmHeapAfterGc.instance();
	}

}
