package dev.scalability.health.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Health {@code scalability}: the service's vital signs against thresholds.
 */
@ConfigurationProperties("scalability.health")
public class HealthThresholdsProperties {

	/**
	 * Whether the service's signals are read, for health 'scalability' and the alerts.
	 */
	private boolean enabled = true;

	/**
	 * The recent window the error rate, the latency and the queue's rejections are read
	 * over.
	 */
	private Duration window = Duration.ofMinutes(1);

	/**
	 * The longer window, before the recent one, latency is compared with.
	 */
	private Duration baseline = Duration.ofHours(1);

	/**
	 * How often the server's request timers are sampled.
	 */
	private Duration sampleInterval = Duration.ofSeconds(10);

	/**
	 * Whether the server's request timers (http.server.requests) keep histogram buckets,
	 * which the latency signals and dashboards need. Turn off to keep fewer series.
	 */
	private boolean serverLatencyHistogram = true;

	private final Thresholds thresholds = new Thresholds();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getWindow() {
		return this.window;
	}

	public void setWindow(Duration window) {
		this.window = window;
	}

	public Duration getBaseline() {
		return this.baseline;
	}

	public void setBaseline(Duration baseline) {
		this.baseline = baseline;
	}

	public Duration getSampleInterval() {
		return this.sampleInterval;
	}

	public void setSampleInterval(Duration sampleInterval) {
		this.sampleInterval = sampleInterval;
	}

	public boolean isServerLatencyHistogram() {
		return this.serverLatencyHistogram;
	}

	public void setServerLatencyHistogram(boolean serverLatencyHistogram) {
		this.serverLatencyHistogram = serverLatencyHistogram;
	}

	public Thresholds getThresholds() {
		return this.thresholds;
	}

	public static class Thresholds {

		/**
		 * Largest healthy share of the heap in use after a collection.
		 */
		private Double heapAfterGc = 0.9;

		/**
		 * Largest healthy share of the machine's CPUs the process uses.
		 */
		private Double cpu = 0.9;

		/**
		 * Largest healthy share of the window's requests that fail with a 5xx.
		 */
		private Double errorRate = 0.05;

		/**
		 * Longest healthy 99th percentile of the window's request times.
		 */
		private Duration p99Latency = Duration.ofSeconds(2);

		/**
		 * Largest healthy share of the busiest connection pool's connections in use.
		 */
		private Double poolSaturation = 0.9;

		public Double getHeapAfterGc() {
			return this.heapAfterGc;
		}

		public void setHeapAfterGc(Double heapAfterGc) {
			this.heapAfterGc = heapAfterGc;
		}

		public Double getCpu() {
			return this.cpu;
		}

		public void setCpu(Double cpu) {
			this.cpu = cpu;
		}

		public Double getErrorRate() {
			return this.errorRate;
		}

		public void setErrorRate(Double errorRate) {
			this.errorRate = errorRate;
		}

		public Duration getP99Latency() {
			return this.p99Latency;
		}

		public void setP99Latency(Duration p99Latency) {
			this.p99Latency = p99Latency;
		}

		public Double getPoolSaturation() {
			return this.poolSaturation;
		}

		public void setPoolSaturation(Double poolSaturation) {
			this.poolSaturation = poolSaturation;
		}

	}

}
