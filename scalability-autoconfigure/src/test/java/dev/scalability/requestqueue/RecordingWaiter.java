package dev.scalability.requestqueue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A waiter that remembers how its wait ended, and the order in which waiters were
 * admitted.
 */
final class RecordingWaiter implements Waiter {

	private String name;

	private final List<String> admissions;

	private volatile Permit permit;

	private volatile Refusal refusal;

	RecordingWaiter(String name, List<String> admissions) {
		this.name = name;
		this.admissions = admissions;
	}

	RecordingWaiter(String name) {
		this(name, new CopyOnWriteArrayList<>());
	}

	@Override
	public void admitted(Permit permit) {
		this.permit = permit;
		this.admissions.add(this.name);
	}

	@Override
	public void refused(Refusal refusal) {
		this.refusal = refusal;
	}

	String name() {
		return this.name;
	}

	/**
	 * Marks the request as ended, by its name.
	 */
	void markDone() {
		this.name = this.name + "-done";
	}

	Permit permit() {
		return this.permit;
	}

	Refusal refusal() {
		return this.refusal;
	}

	boolean waiting() {
		return this.permit == null && this.refusal == null;
	}

}
