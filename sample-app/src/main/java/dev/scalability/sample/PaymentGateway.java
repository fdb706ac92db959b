package dev.scalability.sample;

import java.util.concurrent.atomic.AtomicLong;

import dev.scalability.protection.ProtectionException;
import dev.scalability.protection.annotation.Protected;

import org.springframework.stereotype.Service;

/**
 * A downstream bank behind the {@code payments} policy: retried when it cannot be reached
 * (and only then, since a charge that reached it may have taken effect), cut off by the
 * breaker when it keeps failing, and answered for by {@link #chargeLater} while the policy
 * refuses calls.
 */
@Service
public class PaymentGateway {

	private final AtomicLong bankCalls = new AtomicLong();

	/**
	 * Charges through the bank.
	 * @param cents the amount
	 * @param fail whether the bank fails this time
	 * @return the charge
	 */
	@Protected(policy = "payments", fallback = "chargeLater")
	public Charge charge(long cents, boolean fail) {
		this.bankCalls.incrementAndGet();
		if (fail) {
			throw new BankUnreachableException("the bank could not be reached");
		}
		return new Charge("charged", cents, null);
	}

	/**
	 * Answers while the policy refuses calls: the charge is taken for later.
	 */
	Charge chargeLater(long cents, boolean fail, ProtectionException refused) {
		return new Charge("deferred", cents, refused.getReason().tag());
	}

	long bankCalls() {
		return this.bankCalls.get();
	}

	/**
	 * A charge.
	 *
	 * @param status {@code charged}, or {@code deferred} when the policy refused the call
	 * @param cents the amount
	 * @param reason why it was deferred
	 */
	public record Charge(String status, long cents, String reason) {
	}

}
