package dev.scalability.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Writes an RFC 9457 problem straight to a servlet response, from a filter that runs
 * before the application's handlers and so cannot rely on their error handling. The body
 * is a Spring {@link ProblemDetail} rendered by the application's JSON mapper; every
 * refusal of the starter carries a {@code reason} member ({@code quota-exceeded},
 * {@code queue-full}, ...) that clients and dashboards can switch on.
 */
public class ProblemResponseWriter {

	/**
	 * The member of a problem that says why a request was refused, in one word.
	 */
	public static final String REASON = "reason";

	private final ObjectMapper jsonMapper;

	public ProblemResponseWriter(ObjectMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * A problem with its reason and the request it answers.
	 * @param status the status
	 * @param reason the reason, such as {@code quota-exceeded}
	 * @param detail a sentence for people
	 * @param request the request refused
	 * @return the problem, to complete with more members
	 */
	public static ProblemDetail problem(HttpStatusCode status, String reason, String detail,
			HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setInstance(instance(request));
		problem.setProperty(REASON, reason);
		return problem;
	}

	/**
	 * The request's path as the problem's {@code instance}: as the client sent it, or
	 * quoted where it holds characters a URI may not (a refusal must never turn into an
	 * error because of an odd path, and Spring MVC would parse the raw path itself when a
	 * problem has no instance).
	 * @param request the request
	 * @return the path as a URI reference
	 */
	public static URI instance(HttpServletRequest request) {
		String path = request.getRequestURI();
		try {
			return URI.create(path);
		}
		catch (IllegalArgumentException ex) {
			try {
				return new URI(null, null, path, null);
			}
			catch (URISyntaxException notEvenQuoted) {
				return URI.create("about:blank");
			}
		}
	}

	/**
	 * Writes the problem as the response, with its status and
	 * {@code application/problem+json}; headers set before are kept.
	 * @param response the response, not committed yet
	 * @param problem the problem
	 * @throws IOException when the client is gone
	 */
	public void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
		byte[] body = this.jsonMapper.writeValueAsBytes(members(problem));
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

	/**
	 * The members of a problem as RFC 9457 lays them out: the standard ones first, then
	 * the extensions at the top level (as Spring MVC writes them).
	 */
	static Map<String, Object> members(ProblemDetail problem) {
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("type", (problem.getType() != null) ? problem.getType().toString() : "about:blank");
		if (problem.getTitle() != null) {
			members.put("title", problem.getTitle());
		}
		members.put("status", problem.getStatus());
		if (problem.getDetail() != null) {
			members.put("detail", problem.getDetail());
		}
		if (problem.getInstance() != null) {
			members.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			members.putAll(problem.getProperties());
		}
		return members;
	}

}
