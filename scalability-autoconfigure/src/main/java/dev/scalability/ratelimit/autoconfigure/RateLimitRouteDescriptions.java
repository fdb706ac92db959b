package dev.scalability.ratelimit.autoconfigure;

import java.util.Map;

/**
 * What web requests each rule covers, for the snapshot endpoint, handed from the servlet
 * configuration to the snapshot without the snapshot knowing web types.
 *
 * @param byRule per rule name: paths, methods, countStatus and whether it is checked
 * after authentication
 */
record RateLimitRouteDescriptions(Map<String, Map<String, Object>> byRule) {
}
