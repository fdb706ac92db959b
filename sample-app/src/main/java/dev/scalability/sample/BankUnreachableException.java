package dev.scalability.sample;

/**
 * The bank could not be reached: the charge never got there, so it is safe to try again.
 */
public class BankUnreachableException extends RuntimeException {

	public BankUnreachableException(String message) {
		super(message);
	}

}
