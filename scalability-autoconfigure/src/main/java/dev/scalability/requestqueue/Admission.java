package dev.scalability.requestqueue;

/**
 * What {@link RequestQueue#admit} decided for a request: it may run now ({@link Permit}),
 * it is refused now ({@link Refusal}), or it waits in the queue ({@link Waiting}) and its
 * {@link Waiter} hears later which of the two it is.
 */
public sealed interface Admission permits Permit, Refusal, Waiting {

}
