package dev.scalability.requestqueue.web;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The response of a running request whose deadline may pass before its handler answers.
 * Until the handler starts its body, the deadline may take the response over and answer
 * 503; from then on, whatever the handler still does to the response goes nowhere, and its
 * writes fail as for a client that has gone. Once the handler has started its body, the
 * deadline can no longer change the answer. The two never touch the response at the same
 * time: every change the handler makes before its body holds this wrapper's lock, as does
 * the deadline's answer, and the request's thread waits for that answer to be written
 * before it hands the response back to the container.
 */
final class DeadlineResponse extends HttpServletResponseWrapper {

	private static final int OPEN = 0;

	private static final int HANDLER = 1;

	private static final int EXPIRED = 2;

	private final DeadlineAnswer answer;

	private volatile int state = OPEN;

	/**
	 * Wraps a response.
	 * @param response the container's response
	 * @param answer writes the 503 to it, when the deadline wins
	 */
	DeadlineResponse(HttpServletResponse response, DeadlineAnswer answer) {
		super(response);
		this.answer = answer;
	}

	/**
	 * Answers 503 if the handler has not started its body; called on a thread other than
	 * the request's.
	 */
	void expire() {
		synchronized (this) {
			if (this.state != OPEN) {
				return;
			}
			this.state = EXPIRED;
			if (getResponse().isCommitted()) {
				return;
			}
			try {
				this.answer.write((HttpServletResponse) getResponse());
			}
			catch (IOException | RuntimeException ex) {
				// The client is gone: there is nobody left to answer.
			}
		}
	}

	/**
	 * Whether the deadline answered the request.
	 * @return whether it did
	 */
	boolean expired() {
		return this.state == EXPIRED;
	}

	/**
	 * Closes the deadline's window: the handler is done, or carries on asynchronously.
	 * Waits for an answer being written for the deadline, if any, so that the request's
	 * thread never hands the response back to the container while it is being written.
	 */
	void close() {
		if (this.state != HANDLER) {
			synchronized (this) {
				if (this.state == OPEN) {
					this.state = HANDLER;
				}
			}
		}
	}

	/**
	 * Runs a change that does not start the body: at once once the handler owns the
	 * response, under the lock while the deadline may still take it, not at all once it has.
	 */
	private boolean change(Runnable change) {
		int current = this.state;
		if (current == HANDLER) {
			change.run();
			return true;
		}
		if (current == EXPIRED) {
			return false;
		}
		synchronized (this) {
			if (this.state == EXPIRED) {
				return false;
			}
			change.run();
			return true;
		}
	}

	/**
	 * Claims the response for the handler's body.
	 * @return {@code false} when the deadline has answered already
	 */
	private boolean claim() {
		if (this.state == HANDLER) {
			return true;
		}
		synchronized (this) {
			if (this.state == EXPIRED) {
				return false;
			}
			this.state = HANDLER;
			return true;
		}
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		return claim() ? super.getOutputStream() : ClosedOutputStream.INSTANCE;
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		// Its errors show in checkError(), as for a client that went away.
		return claim() ? super.getWriter() : new PrintWriter(new OutputStreamWriter(ClosedOutputStream.INSTANCE,
				StandardCharsets.UTF_8));
	}

	@Override
	public void flushBuffer() throws IOException {
		if (claim()) {
			super.flushBuffer();
		}
	}

	@Override
	public void sendError(int sc, String msg) throws IOException {
		if (claim()) {
			super.sendError(sc, msg);
		}
	}

	@Override
	public void sendError(int sc) throws IOException {
		if (claim()) {
			super.sendError(sc);
		}
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		if (claim()) {
			super.sendRedirect(location);
		}
	}

	@Override
	public void sendRedirect(String location, boolean clearBuffer) throws IOException {
		if (claim()) {
			super.sendRedirect(location, clearBuffer);
		}
	}

	@Override
	public void sendRedirect(String location, int sc) throws IOException {
		if (claim()) {
			super.sendRedirect(location, sc);
		}
	}

	@Override
	public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
		if (claim()) {
			super.sendRedirect(location, sc, clearBuffer);
		}
	}

	@Override
	public void setStatus(int sc) {
		change(() -> super.setStatus(sc));
	}

	@Override
	public void setHeader(String name, String value) {
		change(() -> super.setHeader(name, value));
	}

	@Override
	public void addHeader(String name, String value) {
		change(() -> super.addHeader(name, value));
	}

	@Override
	public void setIntHeader(String name, int value) {
		change(() -> super.setIntHeader(name, value));
	}

	@Override
	public void addIntHeader(String name, int value) {
		change(() -> super.addIntHeader(name, value));
	}

	@Override
	public void setDateHeader(String name, long date) {
		change(() -> super.setDateHeader(name, date));
	}

	@Override
	public void addDateHeader(String name, long date) {
		change(() -> super.addDateHeader(name, date));
	}

	@Override
	public void addCookie(Cookie cookie) {
		change(() -> super.addCookie(cookie));
	}

	@Override
	public void setTrailerFields(Supplier<Map<String, String>> supplier) {
		change(() -> super.setTrailerFields(supplier));
	}

	@Override
	public void setContentType(String type) {
		change(() -> super.setContentType(type));
	}

	@Override
	public void setContentLength(int len) {
		change(() -> super.setContentLength(len));
	}

	@Override
	public void setContentLengthLong(long len) {
		change(() -> super.setContentLengthLong(len));
	}

	@Override
	public void setCharacterEncoding(String charset) {
		change(() -> super.setCharacterEncoding(charset));
	}

	@Override
	public void setCharacterEncoding(Charset encoding) {
		change(() -> super.setCharacterEncoding(encoding));
	}

	@Override
	public void setLocale(Locale locale) {
		change(() -> super.setLocale(locale));
	}

	@Override
	public void setBufferSize(int size) {
		change(() -> super.setBufferSize(size));
	}

	@Override
	public void reset() {
		change(super::reset);
	}

	@Override
	public void resetBuffer() {
		change(super::resetBuffer);
	}

	/**
	 * Writes the deadline's answer.
	 */
	@FunctionalInterface
	interface DeadlineAnswer {

		void write(HttpServletResponse response) throws IOException;

	}

	/**
	 * Where the body of a handler goes once the deadline has answered for it: nowhere, and
	 * every write fails as if the client had gone, so that a handler that streams until its
	 * client leaves stops.
	 */
	static final class ClosedOutputStream extends ServletOutputStream {

		static final ClosedOutputStream INSTANCE = new ClosedOutputStream();

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setWriteListener(WriteListener writeListener) {
			writeListener.onError(gone());
		}

		@Override
		public void write(int b) throws IOException {
			throw gone();
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			throw gone();
		}

		private static IOException gone() {
			return new IOException("The request's deadline passed and its answer was sent");
		}

	}

}
